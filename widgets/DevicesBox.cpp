#include "DevicesBox.h"

#include <QCheckBox>
#include <QJsonArray>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace trainlab {

namespace {

const char* const kDeviceProperty = "deviceName";

QString deviceName(const QCheckBox* box) {
    return box->property(kDeviceProperty).toString();
}

} // namespace

DevicesBox::DevicesBox(const QList<DeviceInfo>& devices, QWidget* parent)
    : QGroupBox(tr("Devices"), parent)
    , available_(devices)
    , auto_(new QCheckBox(tr("Automatic: every GPU, or the CPU when there is none")))
    , list_(new QVBoxLayout) {
    auto_->setObjectName(QStringLiteral("devicesAuto"));
    // "auto" as core resolves it (resolveDevices): every CUDA device, else the CPU.
    for (const DeviceInfo& d : available_) {
        if (d.name.startsWith(QLatin1String("cuda")))
            automatic_ << d.name;
    }
    if (automatic_.isEmpty())
        automatic_ << QStringLiteral("cpu");
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(auto_);
    list_->setContentsMargins(20, 0, 0, 0);
    layout->addLayout(list_);
    for (const DeviceInfo& d : available_)
        addDeviceBox(d.name, d.description);
    if (available_.isEmpty())
        layout->addWidget(new QLabel(tr("Device discovery found nothing to train on.")));
    connect(auto_, &QCheckBox::toggled, this, [this] {
        // Leaving "automatic" starts from what it would have used, so the spec stays valid.
        for (QCheckBox* box : std::as_const(boxes_)) {
            const QSignalBlocker blocker(box);
            box->setChecked(automatic_.contains(deviceName(box)));
        }
        updateEnabled();
        Q_EMIT devicesEdited(devicesJson());
    });
    setDevicesJson(QJsonValue(QJsonValue::Undefined));
}

QCheckBox* DevicesBox::addDeviceBox(const QString& name, const QString& description) {
    auto* box = new QCheckBox(description.isEmpty() || description == name
                                  ? name
                                  : QStringLiteral("%1 — %2").arg(name, description));
    box->setObjectName(QStringLiteral("device:") + name);
    box->setProperty(kDeviceProperty, name);
    list_->addWidget(box);
    boxes_ << box;
    connect(box, &QCheckBox::toggled, this, [this] { Q_EMIT devicesEdited(devicesJson()); });
    return box;
}

QCheckBox* DevicesBox::deviceBox(const QString& name) const {
    for (QCheckBox* box : boxes_) {
        if (deviceName(box) == name)
            return box;
    }
    return nullptr;
}

void DevicesBox::setDevicesJson(const QJsonValue& value) {
    QStringList named;
    const bool automatic = value.isUndefined() || value == QJsonValue(QStringLiteral("auto"));
    if (value.isString() && !automatic)
        named << value.toString();
    for (const QJsonValue& v : value.toArray())
        named << v.toString();
    for (const QString& name : std::as_const(named)) {
        if (!name.isEmpty() && !deviceBox(name))
            addDeviceBox(name, tr("not found on this machine"));
    }
    const QStringList ticked = automatic ? automatic_ : named;
    const QSignalBlocker autoBlocker(auto_);
    auto_->setChecked(automatic);
    for (QCheckBox* box : std::as_const(boxes_)) {
        const QSignalBlocker blocker(box);
        box->setChecked(ticked.contains(deviceName(box)));
    }
    updateEnabled();
}

QJsonValue DevicesBox::devicesJson() const {
    if (auto_->isChecked())
        return QStringLiteral("auto");
    QStringList ticked;
    for (const QCheckBox* box : boxes_) {
        if (box->isChecked())
            ticked << deviceName(box);
    }
    if (ticked.size() == 1)
        return ticked.first();                 // "cpu", as the shipped specs write it
    return QJsonArray::fromStringList(ticked); // empty: core says a device is needed
}

bool DevicesBox::usesCuda() const {
    for (const QCheckBox* box : boxes_) {
        if (box->isChecked() && deviceName(box).startsWith(QLatin1String("cuda")))
            return true;
    }
    return false;
}

void DevicesBox::updateEnabled() {
    for (QCheckBox* box : std::as_const(boxes_))
        box->setEnabled(!auto_->isChecked());
}

} // namespace trainlab
