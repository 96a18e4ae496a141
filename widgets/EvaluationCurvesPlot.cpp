#include "EvaluationCurvesPlot.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QStandardItemModel>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace trainlab {

namespace {

/// Matplotlib's tab10: ten classes, ten colours told apart easily.
QColor classColor(int index) {
    static const QList<QColor> colors = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
                                         QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
                                         QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                         QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f),
                                         QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf)};
    return colors[index % colors.size()];
}

} // namespace

EvaluationCurvesPlot::EvaluationCurvesPlot(QWidget* parent)
    : QWidget(parent)
    , plot_(new QCustomPlot(this))
    , kindBox_(new QComboBox(this))
    , classBox_(new QComboBox(this)) {
    plot_->setObjectName(QStringLiteral("evaluationCurvesPlot"));
    kindBox_->setObjectName(QStringLiteral("curveKindBox"));
    classBox_->setObjectName(QStringLiteral("curveClassBox"));
    kindBox_->addItem(tr("ROC"), int(CurveKind::Roc));
    kindBox_->addItem(tr("Precision-recall"), int(CurveKind::PrecisionRecall));
    connect(kindBox_, qOverload<int>(&QComboBox::activated), this,
            [this](int index) { setKind(CurveKind(kindBox_->itemData(index).toInt())); });
    connect(classBox_, qOverload<int>(&QComboBox::activated), this,
            [this](int index) { setClassShown(classBox_->itemData(index).toInt()); });
    auto* choosers = new QHBoxLayout;
    choosers->addWidget(new QLabel(tr("Curves:")));
    choosers->addWidget(kindBox_);
    choosers->addWidget(new QLabel(tr("one vs rest for")));
    choosers->addWidget(classBox_);
    choosers->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(choosers);
    layout->addWidget(plot_, 1);

    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 1.02);
    plot_->legend->setVisible(true);
    QFont legendFont = plot_->font();
    legendFont.setPointSizeF(8);
    plot_->legend->setFont(legendFont);
    plot_->legend->setBrush(QColor(255, 255, 255, 220));
    diagonal_ = new QCPItemLine(plot_);
    diagonal_->start->setCoords(0, 0);
    diagonal_->end->setCoords(1, 1);
    diagonal_->setPen(QPen(QColor(0, 0, 0, 90), 1, Qt::DashLine));
    notice_ = new QCPItemText(plot_);
    notice_->position->setType(QCPItemPosition::ptAxisRectRatio);
    notice_->position->setCoords(0.5, 0.5);
    notice_->setPositionAlignment(Qt::AlignCenter);
    notice_->setColor(Qt::gray);
    redraw();
}

void EvaluationCurvesPlot::setCurves(const QStringList& classes,
                                     const QVector<EvaluationCurve>& roc,
                                     const QVector<EvaluationCurve>& pr) {
    classes_ = classes;
    roc_ = roc;
    pr_ = pr;
    classBox_->clear();
    classBox_->addItem(tr("every class"), -1);
    for (qsizetype k = 0; k < classes_.size(); ++k)
        classBox_->addItem(classes_[k], int(k));
    if (classShown_ >= classes_.size())
        classShown_ = -1;
    classBox_->setCurrentIndex(classBox_->findData(classShown_));
    // Runs stored before precision-recall curves were kept have ROC only.
    auto* items = qobject_cast<QStandardItemModel*>(kindBox_->model());
    if (items)
        items->item(1)->setEnabled(!pr_.isEmpty() || classes_.isEmpty());
    if (pr_.isEmpty() && kind_ == CurveKind::PrecisionRecall && !classes_.isEmpty())
        kind_ = CurveKind::Roc;
    kindBox_->setCurrentIndex(kindBox_->findData(int(kind_)));
    redraw();
}

void EvaluationCurvesPlot::setKind(CurveKind kind) {
    kind_ = kind;
    kindBox_->setCurrentIndex(kindBox_->findData(int(kind_)));
    redraw();
}

void EvaluationCurvesPlot::setClassShown(int classIndex) {
    classShown_ = classIndex;
    classBox_->setCurrentIndex(classBox_->findData(classShown_));
    redraw();
}

int EvaluationCurvesPlot::curveCount() const {
    return plot_->plottableCount();
}

QStringList EvaluationCurvesPlot::legendTexts() const {
    QStringList texts;
    for (int i = 0; i < plot_->plottableCount(); ++i)
        texts << plot_->plottable(i)->name();
    return texts;
}

void EvaluationCurvesPlot::redraw() {
    plot_->clearPlottables();
    const bool roc = kind_ == CurveKind::Roc;
    const QVector<EvaluationCurve>& curves = roc ? roc_ : pr_;
    for (const EvaluationCurve& c : curves) {
        if (classShown_ >= 0 && c.classIndex != classShown_)
            continue;
        auto* curve = new QCPCurve(plot_->xAxis, plot_->yAxis);
        curve->setData(c.x, c.y); // parametric: vertical steps keep their order
        curve->setPen(QPen(classColor(c.classIndex), classShown_ >= 0 ? 2 : 1.5));
        curve->setName(QStringLiteral("%1 (%2 %3)")
                           .arg(c.className, roc ? tr("AUC") : tr("AP"))
                           .arg(c.area, 0, 'f', 3));
    }
    diagonal_->setVisible(roc);
    plot_->xAxis->setLabel(roc ? tr("False positive rate") : tr("Recall"));
    plot_->yAxis->setLabel(roc ? tr("True positive rate") : tr("Precision"));
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, roc ? Qt::AlignBottom | Qt::AlignRight
                                                               : Qt::AlignBottom | Qt::AlignLeft);
    plot_->legend->setVisible(curveCount() > 0);
    QString notice;
    if (classes_.isEmpty())
        notice = tr("No evaluation");
    else if (curveCount() == 0)
        notice = roc ? tr("No ROC curve: this class has no test example, or only those")
                     : tr("No precision-recall curve stored for this run");
    notice_->setText(notice);
    notice_->setVisible(!notice.isEmpty());
    plot_->replot();
}

} // namespace trainlab
