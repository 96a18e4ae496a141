#pragma once

#include "util/JsonObjectReader.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <limits>

namespace trainlab {

enum class LayerFieldKind { Invalid, Integer, Number, Boolean, Choice, LayerList };

/// One JSON field of a layer type: what the spec loader checks and fills in, and what a layer
/// editor offers (kind, default, limits, help).
struct LayerField {
    QString name;
    LayerFieldKind kind = LayerFieldKind::Invalid;
    QJsonValue defaultValue; ///< undefined: no default (see `required`)
    bool required = false;   ///< no default and nothing to infer it from: a spec must give it
    NumberRange range;       ///< integers and numbers
    QStringList allowed;     ///< choices
    QString help;
};

/// Limits the built-in layer types share.
inline constexpr NumberRange kAtLeastOne{1, std::numeric_limits<double>::infinity()};
inline constexpr NumberRange kNonNegative{0, std::numeric_limits<double>::infinity()};
inline constexpr NumberRange kProbability{0, 1, false, true};

// Field definitions. Names and help are ASCII literals, so the definitions read like a table.
LayerField intField(const char* name, int defaultValue, NumberRange range, const char* help);
/// An integer a spec must give.
LayerField requiredIntField(const char* name, NumberRange range, const char* help);
/// An integer with no default: when a spec leaves it out, the layer infers it (from its input
/// shape or the task), so the help should say how.
LayerField inferredIntField(const char* name, NumberRange range, const char* help);
LayerField numberField(const char* name, double defaultValue, NumberRange range, const char* help);
LayerField boolField(const char* name, bool defaultValue, const char* help);
LayerField choiceField(const char* name, const char* defaultValue, const QStringList& allowed,
                       const char* help);
/// A non-empty list of nested layers (a residual block's body), each validated like a layer of
/// the model itself.
LayerField layerListField(const char* name, const char* help);

} // namespace trainlab
