#pragma once

#include "store/RunEvaluation.h"

#include <QWidget>

class QLabel;
class QListWidget;

namespace trainlab {

/// The test images a run got wrong, most confident mistakes first: each with its true and
/// predicted class and the probability the model gave its prediction. Image datasets only.
class MisclassifiedGallery : public QWidget {
    Q_OBJECT
public:
    /// How large each image is drawn (small images are scaled up, pixels kept sharp).
    static constexpr int kThumbnailSide = 84;

    explicit MisclassifiedGallery(QWidget* parent = nullptr);

    /// Shows `evaluation`'s stored mistakes (nothing for a run without them).
    void setEvaluation(const RunEvaluation& evaluation);
    void clear();

    QListWidget* list() const { return list_; }
    QLabel* header() const { return header_; }

private:
    QLabel* header_;
    QListWidget* list_;
};

} // namespace trainlab
