#pragma once

#include <QJsonObject>
#include <QWidget>

class QCustomPlot;

namespace trainlab {

/// Bars of samples per class for the train, validation and test splits.
class ClassHistogramPlot : public QWidget {
    Q_OBJECT
public:
    explicit ClassHistogramPlot(QWidget* parent = nullptr);
    /// `info` is the inspection document (classes, histogram).
    void setInspection(const QJsonObject& info);
    int barCount() const;

private:
    QCustomPlot* plot_ = nullptr;
};

} // namespace trainlab
