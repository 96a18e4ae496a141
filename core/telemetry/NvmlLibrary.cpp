#include "telemetry/NvmlLibrary.h"

#include <QtGlobal>
#include <dlfcn.h>
#include <mutex>

namespace trainlab {

namespace {

// The parts of nvml.h this file uses, restated so that no NVIDIA header is needed to build.
// NVML's functions return an nvmlReturn_t (an int-sized enum; 0 is NVML_SUCCESS) and take a
// device as an opaque pointer (nvmlDevice_t).
constexpr int kNvmlSuccess = 0;
constexpr int kNvmlTemperatureGpu = 0;      // NVML_TEMPERATURE_GPU
constexpr unsigned kNameBufferSize = 96;    // NVML_DEVICE_NAME_V2_BUFFER_SIZE
constexpr unsigned kVersionBufferSize = 80; // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE
constexpr unsigned kUuidBufferSize = 96;    // NVML_DEVICE_UUID_V2_BUFFER_SIZE

struct NvmlMemory { // nvmlMemory_t
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};

struct NvmlUtilization { // nvmlUtilization_t
    unsigned int gpu;
    unsigned int memory;
};

using Device = void*;

} // namespace

struct NvmlLibrary::Api {
    int (*init)() = nullptr;
    int (*shutdown)() = nullptr;
    const char* (*errorString)(int) = nullptr;
    int (*deviceCount)(unsigned int*) = nullptr;
    int (*handleByIndex)(unsigned int, Device*) = nullptr;
    int (*memoryInfo)(Device, NvmlMemory*) = nullptr;
    int (*utilization)(Device, NvmlUtilization*) = nullptr;
    int (*powerUsage)(Device, unsigned int*) = nullptr;
    int (*temperature)(Device, int, unsigned int*) = nullptr;
    int (*totalEnergy)(Device, unsigned long long*) = nullptr;
    int (*name)(Device, char*, unsigned int) = nullptr;
    int (*uuid)(Device, char*, unsigned int) = nullptr;
    int (*driverVersion)(char*, unsigned int) = nullptr;
    int (*cudaDriverVersion)(int*) = nullptr;
};

namespace {

template <typename Fn> void resolve(void* library, const char* symbol, Fn& target) {
    target = reinterpret_cast<Fn>(dlsym(library, symbol));
}

} // namespace

NvmlLibrary::NvmlLibrary(const QString& library)
    : api_(std::make_unique<Api>()) {
    library_ = dlopen(library.toLocal8Bit().constData(), RTLD_NOW | RTLD_LOCAL);
    if (!library_) {
        const char* why = dlerror();
        status_ =
            QStringLiteral("NVML not loaded (%1)").arg(why ? QString::fromLocal8Bit(why) : library);
        return;
    }
    Api& api = *api_;
    resolve(library_, "nvmlInit_v2", api.init);
    resolve(library_, "nvmlShutdown", api.shutdown);
    resolve(library_, "nvmlErrorString", api.errorString);
    resolve(library_, "nvmlDeviceGetCount_v2", api.deviceCount);
    resolve(library_, "nvmlDeviceGetHandleByIndex_v2", api.handleByIndex);
    // The rest may be missing from an old driver: what they read then stays unrecorded.
    resolve(library_, "nvmlDeviceGetMemoryInfo", api.memoryInfo);
    resolve(library_, "nvmlDeviceGetUtilizationRates", api.utilization);
    resolve(library_, "nvmlDeviceGetPowerUsage", api.powerUsage);
    resolve(library_, "nvmlDeviceGetTemperature", api.temperature);
    resolve(library_, "nvmlDeviceGetTotalEnergyConsumption", api.totalEnergy);
    resolve(library_, "nvmlDeviceGetName", api.name);
    resolve(library_, "nvmlDeviceGetUUID", api.uuid);
    resolve(library_, "nvmlSystemGetDriverVersion", api.driverVersion);
    resolve(library_, "nvmlSystemGetCudaDriverVersion_v2", api.cudaDriverVersion);
    const char* missing = !api.init            ? "nvmlInit_v2"
                          : !api.shutdown      ? "nvmlShutdown"
                          : !api.deviceCount   ? "nvmlDeviceGetCount_v2"
                          : !api.handleByIndex ? "nvmlDeviceGetHandleByIndex_v2"
                                               : nullptr;
    if (missing) {
        status_ = QStringLiteral("NVML not usable: %1 has no %2")
                      .arg(library, QString::fromLatin1(missing));
        return;
    }
    const int rc = api.init();
    if (rc != kNvmlSuccess) {
        status_ = QStringLiteral("NVML not usable: nvmlInit_v2 failed (%1)")
                      .arg(api.errorString ? QString::fromLatin1(api.errorString(rc))
                                           : QString::number(rc));
        return;
    }
    initialized_ = true;
    const QString driver = driverVersion();
    status_ = driver.isEmpty() ? QStringLiteral("NVML") : QStringLiteral("NVML, driver ") + driver;
}

NvmlLibrary::~NvmlLibrary() {
    if (initialized_)
        api_->shutdown();
    if (library_)
        dlclose(library_);
}

std::shared_ptr<const NvmlLibrary> NvmlLibrary::shared() {
    static std::mutex mutex;
    static std::shared_ptr<const NvmlLibrary> instance;
    std::lock_guard lock(mutex);
    if (!instance)
        instance = std::make_shared<NvmlLibrary>();
    return instance;
}

int NvmlLibrary::deviceCount() const {
    unsigned int count = 0;
    if (!initialized_ || api_->deviceCount(&count) != kNvmlSuccess)
        return 0;
    return int(count);
}

void* NvmlLibrary::handleOf(int index) const {
    Device device = nullptr;
    if (!initialized_ || index < 0 || api_->handleByIndex(unsigned(index), &device) != kNvmlSuccess)
        return nullptr;
    return device;
}

std::optional<int> NvmlLibrary::indexOfCudaDevice(int cudaIndex) const {
    if (!initialized_ || cudaIndex < 0)
        return std::nullopt;
    const int count = deviceCount();
    if (!qEnvironmentVariableIsSet("CUDA_VISIBLE_DEVICES"))
        return cudaIndex < count ? std::optional<int>(cudaIndex) : std::nullopt;
    // CUDA numbers the listed devices in the list's order. Its integers count in CUDA's own
    // order, which is NVML's (PCI bus) order with CUDA_DEVICE_ORDER=PCI_BUS_ID, and also on a
    // machine whose GPUs are all alike (CUDA breaks speed ties by bus); UUIDs are exact.
    const QStringList entries =
        qEnvironmentVariable("CUDA_VISIBLE_DEVICES").split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (cudaIndex >= entries.size())
        return std::nullopt;
    const QString entry = entries[cudaIndex].trimmed();
    bool isNumber = false;
    const int listed = entry.toInt(&isNumber);
    if (isNumber)
        return listed >= 0 && listed < count ? std::optional<int>(listed) : std::nullopt;
    if (!api_->uuid || !entry.startsWith(QLatin1String("GPU-")))
        return std::nullopt; // a MIG instance, or a driver without UUIDs: not mapped
    for (int index = 0; index < count; ++index) {
        char uuid[kUuidBufferSize] = {};
        if (Device device = handleOf(index);
            device && api_->uuid(device, uuid, kUuidBufferSize) == kNvmlSuccess &&
            QString::fromLatin1(uuid).startsWith(entry)) // CUDA accepts a unique prefix
            return index;
    }
    return std::nullopt;
}

std::optional<GpuReading> NvmlLibrary::read(int index) const {
    Device device = handleOf(index);
    if (!device)
        return std::nullopt;
    const Api& api = *api_;
    GpuReading reading;
    if (NvmlMemory memory{}; api.memoryInfo && api.memoryInfo(device, &memory) == kNvmlSuccess) {
        reading.memUsedBytes = double(memory.used);
        reading.memTotalBytes = double(memory.total);
    }
    if (NvmlUtilization utilization{};
        api.utilization && api.utilization(device, &utilization) == kNvmlSuccess)
        reading.utilPercent = double(utilization.gpu);
    if (unsigned int milliwatts = 0;
        api.powerUsage && api.powerUsage(device, &milliwatts) == kNvmlSuccess)
        reading.powerW = double(milliwatts) / 1000.0;
    if (unsigned int celsius = 0;
        api.temperature && api.temperature(device, kNvmlTemperatureGpu, &celsius) == kNvmlSuccess)
        reading.temperatureC = double(celsius);
    if (unsigned long long millijoules = 0;
        api.totalEnergy && api.totalEnergy(device, &millijoules) == kNvmlSuccess)
        reading.energyCounterJ = double(millijoules) / 1000.0;
    return reading;
}

QString NvmlLibrary::deviceName(int index) const {
    char name[kNameBufferSize] = {};
    Device device = handleOf(index);
    if (!device || !api_->name || api_->name(device, name, kNameBufferSize) != kNvmlSuccess)
        return {};
    return QString::fromLatin1(name);
}

QString NvmlLibrary::driverVersion() const {
    char version[kVersionBufferSize] = {};
    if (!initialized_ || !api_->driverVersion ||
        api_->driverVersion(version, kVersionBufferSize) != kNvmlSuccess)
        return {};
    return QString::fromLatin1(version);
}

QString NvmlLibrary::cudaDriverVersion() const {
    int version = 0; // 1000 * major + 10 * minor
    if (!initialized_ || !api_->cudaDriverVersion ||
        api_->cudaDriverVersion(&version) != kNvmlSuccess || version <= 0)
        return {};
    return QStringLiteral("%1.%2").arg(version / 1000).arg((version % 1000) / 10);
}

} // namespace trainlab
