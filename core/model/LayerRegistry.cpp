#include "model/LayerRegistry.h"

#include "model/layers/BuiltinLayers.h"

#include <mutex>
#include <stdexcept>

namespace trainlab {

void LayerRegistry::add(LayerType type) {
    if (!type.infer || !type.make)
        throw std::logic_error("layer type " + type.name.toStdString() +
                               ": needs both an inference and a factory");
    std::unique_lock lock(mutex_);
    for (const auto& known : types_) {
        if (known->name == type.name)
            throw std::logic_error("layer type " + type.name.toStdString() +
                                   " is registered twice");
    }
    types_.push_back(std::make_unique<const LayerType>(std::move(type)));
}

const LayerType* LayerRegistry::find(const QString& name) const {
    std::shared_lock lock(mutex_);
    for (const auto& type : types_) {
        if (type->name == name)
            return type.get();
    }
    return nullptr;
}

QStringList LayerRegistry::names() const {
    std::shared_lock lock(mutex_);
    QStringList names;
    for (const auto& type : types_)
        names << type->name;
    return names;
}

std::vector<const LayerType*> LayerRegistry::types() const {
    std::shared_lock lock(mutex_);
    std::vector<const LayerType*> types;
    for (const auto& type : types_)
        types.push_back(type.get());
    return types;
}

LayerRegistry& layerRegistry() {
    // Registered explicitly rather than by static initializers in each family file: the linker
    // drops object files of a static library that nothing references, and their types with them.
    static LayerRegistry registry;
    [[maybe_unused]] static const bool registered = (registerBuiltinLayers(registry), true);
    return registry;
}

} // namespace trainlab
