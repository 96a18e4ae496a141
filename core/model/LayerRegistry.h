#pragma once

#include "model/LayerType.h"

#include <QStringList>
#include <memory>
#include <shared_mutex>
#include <vector>

namespace trainlab {

/// The layer types a model may use, in the order they were registered (the order the spec
/// loader lists them in). Types are never removed, so pointers to them stay valid; reads and
/// additions may come from any thread.
class LayerRegistry {
public:
    /// Adds a type. A second type of the same name, or one without inference or factory, is a
    /// programming error: std::logic_error.
    void add(LayerType type);
    const LayerType* find(const QString& name) const;
    QStringList names() const;
    std::vector<const LayerType*> types() const;

private:
    mutable std::shared_mutex mutex_;
    std::vector<std::unique_ptr<const LayerType>> types_;
};

/// The registry that spec validation, the model summary, the builder and the window read: the
/// built-in types (model/layers/), and any a program or test adds before it reads specs.
LayerRegistry& layerRegistry();

} // namespace trainlab
