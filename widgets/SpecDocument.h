#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QStringList>

namespace trainlab {

/// The experiment being edited: one JSON object (a run spec, with an optional `sweep` block)
/// that every editing page and the JSON view read and write. A page writes with setValue /
/// setJson, passing itself as `source`, and refreshes on `changed` unless it was the source.
/// Validation is core's: the window checks what the CLI checks, with the same messages.
class SpecDocument : public QObject {
    Q_OBJECT
public:
    explicit SpecDocument(QObject* parent = nullptr);

    const QJsonObject& json() const { return json_; }
    /// The field at a spec path (`training.optimizer.lr`, `model.layers[2].p`); undefined if
    /// absent.
    QJsonValue value(const QString& path) const;
    /// Sets (or, with an undefined value, removes) the field at `path`. Throws InputError for a
    /// path that cannot exist (an index past the end of an array).
    void setValue(const QString& path, const QJsonValue& value, QObject* source = nullptr);
    void setJson(const QJsonObject& json, QObject* source = nullptr);

    /// Every problem core finds in the spec (and its sweep block), each naming its path; empty
    /// when it would run.
    QStringList problems() const;
    bool isSweep() const { return json_.contains(QStringLiteral("sweep")); }

    /// A fresh document: the quickstart experiment (spirals, an MLP), no file.
    void reset();
    /// Reads a spec file; throws InputError naming the file. The document is unchanged on error.
    void open(const QString& path);
    /// Writes the spec, indented, to `path` (atomically); throws EnvironmentError naming it.
    void save(const QString& path);
    /// An unsaved spec kept from a previous session (for `path`, empty if it had no file).
    void restoreDraft(const QJsonObject& json, const QString& path);
    QString filePath() const { return filePath_; }
    bool isModified() const { return modified_; }

Q_SIGNALS:
    /// The spec changed; `source` is the page that changed it (nullptr: open, reset, code).
    void changed(QObject* source);
    /// The file path or the modified flag changed.
    void fileStateChanged();

private:
    void setModified(bool modified);

    QJsonObject json_;
    QString filePath_;
    bool modified_ = false;
};

/// The quickstart experiment as JSON: the starting point of a new document.
QJsonObject defaultExperimentJson();

} // namespace trainlab
