#include "RunColumns.h"

#include <QCoreApplication>
#include <QStringList>

namespace trainlab {

namespace {

struct Prefix {
    RunColumn::Kind kind;
    const char* text;
};
constexpr Prefix kPrefixes[] = {{RunColumn::Kind::Param, "param:"},
                                {RunColumn::Kind::Final, "final:"},
                                {RunColumn::Kind::Best, "best:"}};

QString tr(const char* text) {
    return QCoreApplication::translate("RunColumn", text);
}

} // namespace

RunColumn RunColumn::parse(const QString& key) {
    for (const Prefix& prefix : kPrefixes) {
        const QLatin1String start(prefix.text);
        if (key.startsWith(start) && key.size() > start.size())
            return {prefix.kind, key.mid(start.size())};
    }
    return {};
}

QString RunColumn::key(Kind kind, const QString& name) {
    for (const Prefix& prefix : kPrefixes)
        if (prefix.kind == kind)
            return QLatin1String(prefix.text) + name;
    return {};
}

QString RunColumn::title() const {
    switch (kind) {
    case Kind::Param: {
        const QStringList parts = name.split(QLatin1Char('.'));
        return parts.size() <= 2 ? name : parts.mid(parts.size() - 2).join(QLatin1Char('.'));
    }
    case Kind::Final:
        return name;
    case Kind::Best:
        return tr("best %1").arg(name);
    case Kind::Invalid:
        break;
    }
    return {};
}

QString RunColumn::description() const {
    switch (kind) {
    case Kind::Param:
        return tr("Hyperparameter %1: the run's setting, from its overrides or its spec").arg(name);
    case Kind::Final:
        return tr("%1: the last value logged").arg(name);
    case Kind::Best:
        return tr("%1: the best value logged (lowest for losses and errors, else highest)")
            .arg(name);
    case Kind::Invalid:
        break;
    }
    return {};
}

RunSortKey RunColumn::sortKey(bool descending) const {
    RunSortKey sort;
    sort.descending = descending;
    sort.name = name;
    switch (kind) {
    case Kind::Param:
        sort.kind = RunSortKey::Kind::Param;
        break;
    case Kind::Final:
        sort.kind = RunSortKey::Kind::Final;
        break;
    case Kind::Best:
        sort.kind = RunSortKey::Kind::Best;
        break;
    case Kind::Invalid:
        sort.kind = RunSortKey::Kind::Invalid;
        break;
    }
    return sort;
}

QVariant formatRunValue(const QVariant& value) {
    if (!value.isValid() || value.isNull())
        return {};
    switch (value.typeId()) {
    case QMetaType::Double:
    case QMetaType::Float:
        return QString::number(value.toDouble(), 'g', 5);
    case QMetaType::LongLong:
    case QMetaType::Int:
        return QString::number(value.toLongLong());
    default:
        return value.toString();
    }
}

} // namespace trainlab
