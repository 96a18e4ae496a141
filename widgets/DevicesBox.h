#pragma once

#include "parallel/Devices.h"

#include <QGroupBox>
#include <QJsonValue>

class QCheckBox;
class QVBoxLayout;

namespace trainlab {

/// The spec's `devices` as check boxes: "automatic" (every GPU, else the CPU) or the devices
/// this machine has, found by core's device discovery. A device the spec names that this
/// machine lacks stays listed, marked, so it can be unticked.
class DevicesBox : public QGroupBox {
    Q_OBJECT
public:
    /// `devices`: what discovery found (tests pass their own; the window passes
    /// availableDevices()).
    explicit DevicesBox(const QList<DeviceInfo>& devices, QWidget* parent = nullptr);

    /// Shows a spec's `devices` value (undefined: the default, "auto").
    void setDevicesJson(const QJsonValue& value);
    /// The value the boxes describe: "auto", "cpu", or a list such as ["cuda:0", "cuda:1"].
    QJsonValue devicesJson() const;

    QCheckBox* autoBox() const { return auto_; }
    /// The box of a device ("cpu", "cuda:0"), or nullptr.
    QCheckBox* deviceBox(const QString& name) const;
    /// Whether any device a run would use (given what is ticked) is a CUDA device.
    bool usesCuda() const;

Q_SIGNALS:
    /// A person changed the boxes; `value` is the new `devices`.
    void devicesEdited(const QJsonValue& value);

private:
    QCheckBox* addDeviceBox(const QString& name, const QString& description);
    void updateEnabled();

    QList<DeviceInfo> available_;
    QStringList automatic_; ///< what "auto" resolves to here
    QCheckBox* auto_;
    QVBoxLayout* list_;
    QList<QCheckBox*> boxes_;
};

} // namespace trainlab
