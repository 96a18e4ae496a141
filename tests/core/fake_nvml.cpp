// A stand-in for libnvidia-ml.so.1 with the C entry points TrainLab's NvmlLibrary resolves, so
// that the present-NVML path (dlopen, symbol lookup, unit conversions, the energy counter,
// integrated power, CUDA_VISIBLE_DEVICES mapping) runs on machines without an NVIDIA GPU. It is
// loaded by path in tst_telemetry only; nothing links it. Signatures follow nvml.h.
//
// Two boards: 0 reports everything (100 W, an energy counter that grows at 100 W in real time);
// 1 draws 50 W and has no energy counter and no temperature sensor (NVML_ERROR_NOT_SUPPORTED),
// as older boards do. FAKE_NVML_INIT_FAILS makes nvmlInit_v2 fail as a missing driver does.
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace {

constexpr int kSuccess = 0;
constexpr int kInvalidArgument = 2;
constexpr int kNotSupported = 3;
constexpr int kDriverNotLoaded = 9;
constexpr unsigned kDevices = 2;

struct Board {
    int index;
};
Board boards[kDevices] = {{0}, {1}};

const auto loaded = std::chrono::steady_clock::now();

double secondsSinceLoad() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - loaded).count();
}

int copy(char* out, unsigned length, const char* text) {
    if (!out || std::strlen(text) + 1 > length)
        return kInvalidArgument;
    std::strcpy(out, text);
    return kSuccess;
}

int indexOf(void* device) {
    for (unsigned i = 0; i < kDevices; ++i)
        if (device == &boards[i])
            return int(i);
    return -1;
}

struct Memory {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};

struct Utilization {
    unsigned int gpu;
    unsigned int memory;
};

} // namespace

extern "C" {

int nvmlInit_v2() {
    return std::getenv("FAKE_NVML_INIT_FAILS") ? kDriverNotLoaded : kSuccess;
}

int nvmlShutdown() {
    return kSuccess;
}

const char* nvmlErrorString(int result) {
    return result == kDriverNotLoaded ? "Driver Not Loaded" : "Unknown Error";
}

int nvmlDeviceGetCount_v2(unsigned int* count) {
    *count = kDevices;
    return kSuccess;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device) {
    if (index >= kDevices)
        return kInvalidArgument;
    *device = &boards[index];
    return kSuccess;
}

int nvmlDeviceGetMemoryInfo(void* device, Memory* memory) {
    const int i = indexOf(device);
    if (i < 0)
        return kInvalidArgument;
    memory->total = 16ull << 30;
    memory->used = (1ull + unsigned(i)) << 30;
    memory->free = memory->total - memory->used;
    return kSuccess;
}

int nvmlDeviceGetUtilizationRates(void* device, Utilization* utilization) {
    const int i = indexOf(device);
    if (i < 0)
        return kInvalidArgument;
    utilization->gpu = i == 0 ? 87 : 40;
    utilization->memory = 30;
    return kSuccess;
}

int nvmlDeviceGetPowerUsage(void* device, unsigned int* milliwatts) {
    const int i = indexOf(device);
    if (i < 0)
        return kInvalidArgument;
    *milliwatts = i == 0 ? 100000 : 50000;
    return kSuccess;
}

int nvmlDeviceGetTemperature(void* device, int sensor, unsigned int* celsius) {
    const int i = indexOf(device);
    if (i < 0 || sensor != 0)
        return kInvalidArgument;
    if (i == 1)
        return kNotSupported;
    *celsius = 61;
    return kSuccess;
}

int nvmlDeviceGetTotalEnergyConsumption(void* device, unsigned long long* millijoules) {
    const int i = indexOf(device);
    if (i < 0)
        return kInvalidArgument;
    if (i == 1)
        return kNotSupported;
    // Since "the driver was loaded": a large offset, then 100 W.
    *millijoules = 5000000000ull + static_cast<unsigned long long>(secondsSinceLoad() * 100000.0);
    return kSuccess;
}

int nvmlDeviceGetName(void* device, char* name, unsigned int length) {
    const int i = indexOf(device);
    return i < 0 ? kInvalidArgument
                 : copy(name, length, i == 0 ? "TrainLab Fake GPU A" : "TrainLab Fake GPU B");
}

int nvmlDeviceGetUUID(void* device, char* uuid, unsigned int length) {
    const int i = indexOf(device);
    return i < 0 ? kInvalidArgument
                 : copy(uuid, length,
                        i == 0 ? "GPU-0000aaaa-0000-0000-0000-000000000000"
                               : "GPU-1111bbbb-0000-0000-0000-000000000000");
}

int nvmlSystemGetDriverVersion(char* version, unsigned int length) {
    return copy(version, length, "999.12.3");
}

int nvmlSystemGetCudaDriverVersion_v2(int* version) {
    *version = 12020;
    return kSuccess;
}

} // extern "C"
