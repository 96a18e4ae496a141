#include "PreflightDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace trainlab {

PreflightDialog::PreflightDialog(const QString& name, const QString& title,
                                 const PreflightRecord& record, QWidget* parent)
    : QDialog(parent)
    , plot_(new QCustomPlot)
    , summary_(new QLabel)
    , use_(new QPushButton) {
    setObjectName(name + QStringLiteral("Dialog"));
    setWindowTitle(
        QStringLiteral("%1: %2").arg(title, record.spec.value(QStringLiteral("name")).toString()));
    plot_->setObjectName(name + QStringLiteral("Plot"));
    plot_->setMinimumSize(560, 320);
    summary_->setObjectName(name + QStringLiteral("Summary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    use_->setObjectName(name + QStringLiteral("UseButton"));
    connect(use_, &QPushButton::clicked, this, [this] {
        use();
        accept();
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(use_, QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(plot_, 1);
    layout->addWidget(summary_);
    layout->addWidget(buttons);
}

QString PreflightDialog::summary() const {
    return summary_->text();
}

void PreflightDialog::setSummary(const QString& text) {
    summary_->setText(text);
}

void PreflightDialog::drawBars(const QStringList& labels, const QVector<double>& values,
                               const QVector<QColor>& colors, const QString& axisLabel,
                               const QString& valueLabel) {
    // One QCPBars per bar: QCustomPlot colours a whole bars plottable alike.
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (qsizetype i = 0; i < values.size(); ++i) {
        auto* bar = new QCPBars(plot_->xAxis, plot_->yAxis);
        bar->setWidth(0.6);
        bar->setPen(QPen(colors.value(i).darker(130)));
        bar->setBrush(colors.value(i));
        bar->addData(double(i), values[i]);
        ticker->addTick(double(i), labels.value(i));
    }
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->grid()->setZeroLinePen(Qt::NoPen); // the first bar stands at 0
    plot_->xAxis->grid()->setVisible(false);
    plot_->xAxis->setRange(-0.7, double(values.size()) - 0.3);
    plot_->xAxis->setLabel(axisLabel);
    plot_->yAxis->setLabel(valueLabel);
    double top = 0;
    for (double v : values)
        top = std::max(top, v);
    plot_->yAxis->setRange(0, top > 0 ? top * 1.15 : 1);
}

void PreflightDialog::offer(const QString& text, bool enabled) {
    use_->setText(text);
    use_->setEnabled(enabled);
}

} // namespace trainlab
