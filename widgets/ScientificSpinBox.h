#pragma once

#include <QDoubleSpinBox>

namespace trainlab {

/// A number box for values that span decades (learning rates, epsilons, weight decay): shows
/// and reads `1e-4` as readily as `0.25`, keeps full precision (a QDoubleSpinBox rounds to its
/// decimals), and, when `logSteps` is on, the arrows multiply or divide by 2 instead of adding
/// a fixed step that is either too coarse or too fine across decades.
class ScientificSpinBox : public QDoubleSpinBox {
    Q_OBJECT
public:
    explicit ScientificSpinBox(QWidget* parent = nullptr);

    void setLogSteps(bool on) { logSteps_ = on; }

    QString textFromValue(double value) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
    void fixup(QString& input) const override;
    void stepBy(int steps) override;

private:
    bool logSteps_ = false;
};

} // namespace trainlab
