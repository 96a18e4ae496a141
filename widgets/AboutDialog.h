#pragma once

class QMessageBox;
class QWidget;

namespace trainlab {

/// Opens Help > About (non-blocking): what TrainLab is and the versions of TrainLab, Qt,
/// LibTorch and SQLite it runs on. Returns the dialog (deleted when closed).
QMessageBox* openAboutDialog(QWidget* parent);

} // namespace trainlab
