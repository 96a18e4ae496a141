#include "AboutDialog.h"

#include "jobs/Versions.h"

#include <QMessageBox>

namespace trainlab {

QMessageBox* openAboutDialog(QWidget* parent) {
    const ComponentVersions v = componentVersions();
    const QString text =
        QMessageBox::tr("<h3>TrainLab %1</h3>"
                        "<p>A desktop training lab: datasets, models, training, sweeps and what "
                        "each run cost, kept in one SQLite workspace.</p>"
                        "<table><tr><td>Qt</td><td>%2</td></tr>"
                        "<tr><td>LibTorch</td><td>%3</td></tr>"
                        "<tr><td>SQLite</td><td>%4</td></tr></table>")
            .arg(v.trainlab, v.qt, v.libtorch, v.sqlite);
    auto* box = new QMessageBox(QMessageBox::Information, QMessageBox::tr("About TrainLab"), text,
                                QMessageBox::Ok, parent);
    box->setObjectName(QStringLiteral("aboutDialog"));
    box->setTextFormat(Qt::RichText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return box;
}

} // namespace trainlab
