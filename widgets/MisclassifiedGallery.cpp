#include "MisclassifiedGallery.h"

#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QVBoxLayout>

namespace trainlab {

MisclassifiedGallery::MisclassifiedGallery(QWidget* parent)
    : QWidget(parent)
    , header_(new QLabel(this))
    , list_(new QListWidget(this)) {
    header_->setObjectName(QStringLiteral("misclassifiedHeader"));
    header_->setWordWrap(true);
    list_->setObjectName(QStringLiteral("misclassifiedList"));
    list_->setViewMode(QListView::IconMode);
    list_->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
    // Room for three lines under each image: true class, predicted class, probability.
    list_->setGridSize(QSize(kThumbnailSide + 64, kThumbnailSide + 58));
    list_->setResizeMode(QListView::Adjust);
    list_->setMovement(QListView::Static);
    list_->setWordWrap(true);
    list_->setUniformItemSizes(true);
    list_->setSelectionMode(QAbstractItemView::SingleSelection);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(header_);
    layout->addWidget(list_, 1);
    clear();
}

void MisclassifiedGallery::clear() {
    list_->clear();
    header_->setText(tr("No evaluation"));
}

void MisclassifiedGallery::setEvaluation(const RunEvaluation& evaluation) {
    list_->clear();
    if (!evaluation.hasMisclassified) {
        header_->setText(tr("The gallery of misclassified examples is for image datasets: "
                            "this run's test examples are table rows."));
        list_->hide();
        return;
    }
    list_->show();
    if (evaluation.misclassifiedCount == 0) {
        header_->setText(tr("No test example was misclassified."));
        return;
    }
    header_->setText(tr("%1 test examples misclassified; the %2 the model was most sure of "
                        "are shown, with the probability it gave its prediction.")
                         .arg(evaluation.misclassifiedCount)
                         .arg(evaluation.misclassified.size()));
    for (const MisclassifiedExample& x : evaluation.misclassified) {
        const QString truth = evaluation.classes.value(x.trueClass);
        const QString predicted = evaluation.classes.value(x.predictedClass);
        auto* item = new QListWidgetItem(list_);
        item->setText(tr("%1\n→ %2\np %3").arg(truth, predicted).arg(x.probability, 0, 'f', 2));
        item->setToolTip(tr("test example %1: true class %2 (probability %3), predicted %4 "
                            "(probability %5)")
                             .arg(x.index)
                             .arg(truth)
                             .arg(x.trueProbability, 0, 'f', 3)
                             .arg(predicted)
                             .arg(x.probability, 0, 'f', 3));
        item->setData(Qt::UserRole, x.index);
        const QImage image = QImage::fromData(x.png, "PNG");
        if (!image.isNull())
            // Nearest-neighbour: a 28-pixel image scaled up stays sharp, not blurred.
            item->setIcon(QPixmap::fromImage(image.scaled(
                kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, Qt::FastTransformation)));
    }
}

} // namespace trainlab
