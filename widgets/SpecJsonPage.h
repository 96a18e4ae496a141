#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTimer;

namespace trainlab {

class SpecDocument;

/// The spec as JSON text, in sync both ways with the editing pages: edits on a page rewrite the
/// text; typing here updates the pages once the text parses (after a short pause). Below it,
/// what core says of the spec: every problem with its path, or that it is ready to run.
class SpecJsonPage : public QWidget {
    Q_OBJECT
public:
    explicit SpecJsonPage(SpecDocument* document, QWidget* parent = nullptr);

    QPlainTextEdit* editor() const { return editor_; }
    QLabel* problemsLabel() const { return problems_; }
    /// Applies the typed text now instead of after the pause (tests, focus changes).
    void applyText();

private:
    void showDocument();
    void showProblems();

    SpecDocument* document_;
    QPlainTextEdit* editor_;
    QLabel* problems_;
    QTimer* applyTimer_;
};

} // namespace trainlab
