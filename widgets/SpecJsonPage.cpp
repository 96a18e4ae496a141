#include "SpecJsonPage.h"

#include "SpecDocument.h"

#include <QFontDatabase>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTimer>
#include <QVBoxLayout>

namespace trainlab {

namespace {

constexpr int kApplyDelayMs = 400;

} // namespace

SpecJsonPage::SpecJsonPage(SpecDocument* document, QWidget* parent)
    : QWidget(parent)
    , document_(document)
    , editor_(new QPlainTextEdit)
    , problems_(new QLabel)
    , applyTimer_(new QTimer(this)) {
    editor_->setObjectName(QStringLiteral("specJsonEditor"));
    editor_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    editor_->setLineWrapMode(QPlainTextEdit::NoWrap);
    problems_->setObjectName(QStringLiteral("specProblems"));
    problems_->setWordWrap(true);
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(editor_, 1);
    layout->addWidget(problems_);
    applyTimer_->setSingleShot(true);
    applyTimer_->setInterval(kApplyDelayMs);
    connect(applyTimer_, &QTimer::timeout, this, &SpecJsonPage::applyText);
    connect(editor_, &QPlainTextEdit::textChanged, this, [this] {
        if (!editor_->signalsBlocked())
            applyTimer_->start();
    });
    connect(document_, &SpecDocument::changed, this, [this](QObject* source) {
        if (source != this)
            showDocument();
        showProblems();
    });
    showDocument();
    showProblems();
}

void SpecJsonPage::showDocument() {
    const QSignalBlocker blocker(editor_);
    const QString text =
        QString::fromUtf8(QJsonDocument(document_->json()).toJson(QJsonDocument::Indented));
    if (editor_->toPlainText() != text)
        editor_->setPlainText(text);
}

void SpecJsonPage::applyText() {
    applyTimer_->stop();
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(editor_->toPlainText().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !parsed.isObject()) {
        const QString why = error.error != QJsonParseError::NoError
                                ? error.errorString()
                                : tr("the spec must be one JSON object");
        problems_->setText(tr("<b>Not valid JSON</b> at character %1: %2. The pages keep the "
                              "last valid spec.")
                               .arg(error.offset)
                               .arg(why.toHtmlEscaped()));
        return;
    }
    document_->setJson(parsed.object(), this);
    showProblems();
}

void SpecJsonPage::showProblems() {
    const QStringList problems = document_->problems();
    if (problems.isEmpty()) {
        problems_->setText(document_->isSweep() ? tr("The sweep is ready to start.")
                                                : tr("The spec is ready to run."));
        return;
    }
    QString html = tr("<b>%n problem(s):</b>", nullptr, int(problems.size()));
    for (const QString& problem : problems)
        html += QStringLiteral("<br>") + problem.toHtmlEscaped();
    problems_->setText(html);
}

} // namespace trainlab
