#pragma once

#include <QString>
#include <map>
#include <memory>

namespace trainlab {

/// Decides, as a trial reports its metric over a resource (epochs or steps), whether it should
/// stop early. Thread-safe use is the caller's job (the sweep runner serializes reports).
class TrialPruner {
public:
    virtual ~TrialPruner() = default;
    /// Records `value` at `resource` for `trial`; true when the trial should stop now.
    virtual bool report(qint64 trial, double resource, double value) = 0;
};

/// Asynchronous successive halving (ASHA): rungs at min * reduction^k. A trial reaching a rung
/// goes on only if its value ranks in the top 1/reduction of the values recorded at that rung so
/// far (the first trial at a rung always goes on).
class AshaPruner : public TrialPruner {
public:
    AshaPruner(double minResource, double reduction, bool maximize);
    bool report(qint64 trial, double resource, double value) override;
    double rungResource(int rung) const;

private:
    double minResource_;
    double reduction_;
    bool maximize_;
    std::map<int, std::map<qint64, double>> rungs_;
};

/// The median stopping rule: from `minResource` on, a trial stops when its best value so far is
/// worse than the median of the other trials' best values at the same resource (given at least
/// `minTrials` of them).
class MedianPruner : public TrialPruner {
public:
    MedianPruner(double minResource, bool maximize, int minTrials = 3);
    bool report(qint64 trial, double resource, double value) override;

private:
    double minResource_;
    bool maximize_;
    int minTrials_;
    std::map<qint64, std::map<double, double>> bestSoFar_; ///< trial -> resource -> running best
};

/// `none`, `asha` or `median`.
std::unique_ptr<TrialPruner> makePruner(const QString& type, double minResource, double reduction,
                                        bool maximize);

} // namespace trainlab
