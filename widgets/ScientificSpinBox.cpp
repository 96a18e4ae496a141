#include "ScientificSpinBox.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>
#include <limits>

namespace trainlab {

namespace {

// Whole numbers, decimals and exponents; the intermediate states a person passes through while
// typing ("1e", "-", "2.") are Intermediate, not Invalid, so the box lets them be typed.
const QRegularExpression& partialNumber() {
    static const QRegularExpression pattern(QStringLiteral(R"(^[+-]?(\d*\.?\d*)([eE][+-]?\d*)?$)"));
    return pattern;
}

} // namespace

ScientificSpinBox::ScientificSpinBox(QWidget* parent)
    : QDoubleSpinBox(parent) {
    // QDoubleSpinBox rounds every value to `decimals`; keep all of a double's digits.
    setDecimals(std::numeric_limits<double>::max_exponent10);
    setKeyboardTracking(false);
}

QString ScientificSpinBox::textFromValue(double value) const {
    return QString::number(value, 'g', 8);
}

double ScientificSpinBox::valueFromText(const QString& text) const {
    QString number = text;
    if (!prefix().isEmpty())
        number.remove(0, prefix().size());
    if (!suffix().isEmpty())
        number.chop(suffix().size());
    return number.trimmed().toDouble();
}

QValidator::State ScientificSpinBox::validate(QString& text, int& pos) const {
    Q_UNUSED(pos);
    QString number = text;
    if (!prefix().isEmpty() && number.startsWith(prefix()))
        number.remove(0, prefix().size());
    if (!suffix().isEmpty() && number.endsWith(suffix()))
        number.chop(suffix().size());
    number = number.trimmed();
    if (number.isEmpty() || !partialNumber().match(number).hasMatch())
        return number.isEmpty() ? QValidator::Intermediate : QValidator::Invalid;
    bool ok = false;
    const double value = number.toDouble(&ok);
    if (!ok)
        return QValidator::Intermediate;
    return value >= minimum() && value <= maximum() ? QValidator::Acceptable
                                                    : QValidator::Intermediate;
}

void ScientificSpinBox::fixup(QString& input) const {
    input = textFromValue(std::clamp(valueFromText(input), minimum(), maximum()));
}

void ScientificSpinBox::stepBy(int steps) {
    if (!logSteps_ || value() <= 0) {
        QDoubleSpinBox::stepBy(steps);
        return;
    }
    setValue(std::clamp(value() * std::pow(2.0, steps), minimum(), maximum()));
    selectAll();
}

} // namespace trainlab
