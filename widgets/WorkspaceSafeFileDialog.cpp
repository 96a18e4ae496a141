#include "WorkspaceSafeFileDialog.h"

#include <QAbstractFileIconProvider>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QStyle>

namespace trainlab {

namespace {

/// Icons and type names from the file name alone: no file is opened or read.
class NameOnlyIconProvider : public QAbstractFileIconProvider {
public:
    QIcon icon(IconType type) const override {
        return QApplication::style()->standardIcon(type == Folder ? QStyle::SP_DirIcon
                                                                  : QStyle::SP_FileIcon);
    }
    QIcon icon(const QFileInfo& info) const override { return icon(info.isDir() ? Folder : File); }
    QString type(const QFileInfo& info) const override {
        if (info.isDir())
            return QApplication::translate("WorkspaceSafeFileDialog", "Folder");
        const QMimeType mime =
            QMimeDatabase().mimeTypeForFile(info.fileName(), QMimeDatabase::MatchExtension);
        return mime.isDefault() ? QApplication::translate("WorkspaceSafeFileDialog", "File")
                                : mime.comment();
    }
};

} // namespace

QFileDialog* createWorkspaceSafeFileDialog(QWidget* parent, const QString& title,
                                           const QString& directory, const QString& filter) {
    auto* dialog = new QFileDialog(parent, title, directory, filter);
    dialog->setOption(QFileDialog::DontUseNativeDialog, true);
    // The dialog's model keeps a raw pointer to the provider: it lives as long as the dialog.
    auto* provider = new NameOnlyIconProvider;
    dialog->setIconProvider(provider);
    QObject::connect(dialog, &QObject::destroyed, [provider] { delete provider; });
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("workspaceSafeFileDialog"));
    return dialog;
}

} // namespace trainlab
