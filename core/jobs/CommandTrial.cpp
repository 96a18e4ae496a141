#include "jobs/CommandTrial.h"

#include "base/Errors.h"
#include "jobs/TrialProcess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <cmath>

namespace trainlab {

namespace {

QString valueText(const QJsonValue& value) {
    if (value.isDouble()) {
        const double v = value.toDouble();
        return v == std::floor(v) && std::abs(v) < 1e15 ? QString::number(qint64(v))
                                                        : QString::number(v, 'g', 17);
    }
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(
        QJsonDocument::fromVariant(value.toVariant()).toJson(QJsonDocument::Compact));
}

QString lastLine(const QByteArray& text) {
    const QList<QByteArray> lines = text.trimmed().split('\n');
    return lines.isEmpty() ? QString() : QString::fromUtf8(lines.last().trimmed());
}

} // namespace

QStringList expandCommand(const QStringList& argvTemplate, const SweepPoint& point) {
    static const QRegularExpression placeholder(QStringLiteral("\\{([A-Za-z0-9_.\\[\\]]+)\\}"));
    QStringList argv;
    for (const QString& part : argvTemplate) {
        QString expanded;
        qsizetype last = 0;
        auto matches = placeholder.globalMatch(part);
        while (matches.hasNext()) {
            const auto match = matches.next();
            const QString name = match.captured(1);
            if (!point.contains(name))
                throw InputError(
                    QStringLiteral("sweep.command: {%1} is not a parameter of the space")
                        .arg(name));
            expanded += part.mid(last, match.capturedStart() - last) + valueText(point.value(name));
            last = match.capturedEnd();
        }
        argv << expanded + part.mid(last);
    }
    return argv;
}

bool parseTrialOutput(const QByteArray& output, QMap<QString, double>& metrics, QString& error) {
    const QString line = lastLine(output);
    if (line.isEmpty()) {
        error = QStringLiteral("the program printed nothing on stdout (expected a number or a JSON "
                               "object of metrics on its last line)");
        return false;
    }
    bool isNumber = false;
    const double number = line.toDouble(&isNumber);
    if (isNumber && std::isfinite(number)) {
        metrics.insert(QStringLiteral("value"), number);
        return true;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8());
    if (doc.isObject() && !doc.object().isEmpty()) {
        const QJsonObject object = doc.object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isDouble()) {
                error = QStringLiteral("the metric '%1' in the last line is not a number: %2")
                            .arg(it.key(), line.left(200));
                return false;
            }
            metrics.insert(it.key(), it.value().toDouble());
        }
        return true;
    }
    error =
        QStringLiteral("the last line of output is not a number or a JSON object of metrics: '%1'")
            .arg(line.left(200));
    return false;
}

CommandTrialResult runCommandTrial(const QStringList& argv, double timeoutS,
                                   const std::atomic<bool>* cancel) {
    CommandTrialResult result;
    if (argv.isEmpty()) {
        result.error = QStringLiteral("sweep.command: empty");
        return result;
    }
    const TrialProcessResult process = runInOwnGroup(argv, timeoutS, cancel, kOutputTailBytes);
    result.seconds = process.seconds;
    switch (process.end) {
    case TrialProcessResult::End::NotStarted:
        result.error = QStringLiteral("cannot start %1: %2").arg(argv.first(), process.startError);
        return result;
    case TrialProcessResult::End::TimedOut:
        result.error = QStringLiteral("%1 timed out after %2 s and was stopped")
                           .arg(argv.first())
                           .arg(timeoutS);
        return result;
    case TrialProcessResult::End::Cancelled:
        result.error = QStringLiteral("cancelled");
        return result;
    case TrialProcessResult::End::Signalled:
        result.error =
            process.signal == 0
                ? QStringLiteral("%1 ended without an exit status").arg(argv.first())
                : QStringLiteral("%1 crashed (signal %2)").arg(argv.first()).arg(process.signal);
        return result;
    case TrialProcessResult::End::Exited:
        break;
    case TrialProcessResult::End::Invalid:
        result.error = QStringLiteral("%1 did not run").arg(argv.first());
        return result;
    }
    if (process.exitCode != 0) {
        const QString reason = lastLine(process.stderrTail);
        result.error =
            QStringLiteral("%1 exited with code %2%3")
                .arg(argv.first())
                .arg(process.exitCode)
                .arg(reason.isEmpty() ? QString() : QStringLiteral(": ") + reason.left(200));
        return result;
    }
    result.ok = parseTrialOutput(process.stdoutTail, result.metrics, result.error);
    return result;
}

} // namespace trainlab
