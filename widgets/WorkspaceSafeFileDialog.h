#pragma once

#include <QString>

class QFileDialog;
class QWidget;

namespace trainlab {

/// A non-blocking file dialog that never opens the files it lists.
///
/// Qt's own dialog (and the platform's) may open a file to guess its type or draw its icon.
/// Opening and closing the workspace database through a second descriptor silently drops
/// SQLite's POSIX locks for the whole process, after which another process can delete the WAL
/// under it and rows are lost (DESIGN.md, Storage; STYLE.md rule 16). This dialog is Qt's
/// widget dialog with an icon provider that decides types from the file name alone.
/// The dialog deletes itself when closed; connect to fileSelected() and call open().
QFileDialog* createWorkspaceSafeFileDialog(QWidget* parent, const QString& title,
                                           const QString& directory, const QString& filter);

} // namespace trainlab
