// Dynamic loss scaling with injected inf / NaN gradients.
#include "train/GradScaler.h"

#include <QtTest>
#include <cmath>

using namespace trainlab;

class TestGradScaler : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void finiteGradientsAreUnscaled() {
        GradScaler scaler(torch::kCPU, 8.0, 2.0, 0.5, 3);
        QCOMPARE(scaler.scale(torch::tensor(1.5)).item<double>(), 12.0);
        std::vector<torch::Tensor> grads = {torch::full({3}, 16.0), torch::full({2, 2}, -8.0)};
        QVERIFY(scaler.unscale(grads));
        QCOMPARE(grads[0][0].item<double>(), 2.0);
        QCOMPARE(grads[1][1][1].item<double>(), -1.0);
        QCOMPARE(scaler.skippedSteps(), 0);
    }

    void injectedInfSkipsAndBacksOff() {
        GradScaler scaler(torch::kCPU, 1024.0, 2.0, 0.5, 3);
        std::vector<torch::Tensor> bad = {torch::ones({2}), torch::tensor({1.0F, INFINITY})};
        QVERIFY(!scaler.unscale(bad));
        scaler.update();
        QCOMPARE(scaler.currentScale(), 512.0);
        std::vector<torch::Tensor> nan = {torch::tensor({NAN})};
        QVERIFY(!scaler.unscale(nan));
        scaler.update();
        QCOMPARE(scaler.currentScale(), 256.0);
        QCOMPARE(scaler.skippedSteps(), 2);
    }

    void growsAfterIntervalOfGoodSteps() {
        GradScaler scaler(torch::kCPU, 4.0, 2.0, 0.5, 3);
        for (int i = 0; i < 2; ++i) {
            std::vector<torch::Tensor> g = {torch::ones({1})};
            QVERIFY(scaler.unscale(g));
            scaler.update();
            QCOMPARE(scaler.currentScale(), 4.0);
        }
        std::vector<torch::Tensor> g = {torch::ones({1})};
        QVERIFY(scaler.unscale(g));
        scaler.update();
        QCOMPARE(scaler.currentScale(), 8.0);
        // An inf resets the run of good steps.
        std::vector<torch::Tensor> bad = {torch::tensor({INFINITY})};
        QVERIFY(!scaler.unscale(bad));
        scaler.update();
        QCOMPARE(scaler.currentScale(), 4.0);
    }
};

QTEST_GUILESS_MAIN(TestGradScaler)
#include "tst_gradscaler.moc"
