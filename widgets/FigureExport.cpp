#include "FigureExport.h"

#include "WorkspaceSafeFileDialog.h"

#include <QAbstractItemModel>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QPointer>
#include <QSaveFile>
#include <QStandardPaths>
#include <QSvgGenerator>
#include <QTextStream>
#include <qcustomplot.h>

namespace trainlab {

namespace {

QString csvField(const QVariant& value) {
    if (value.typeId() == QMetaType::Double)
        return QString::number(value.toDouble(), 'g', 17);
    QString text = value.toString();
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n')))
        text = QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
               QLatin1Char('"');
    return text;
}

/// Where the next export dialog opens: the folder of the last export, else Pictures or home.
QString& exportFolder() {
    static QString folder = [] {
        const QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
        return QDir(pictures).exists() ? pictures : QDir::homePath();
    }();
    return folder;
}

QFileDialog* saveDialog(QWidget* parent, const QString& title, const QString& suggestedName,
                        const QString& filter, const QString& suffix) {
    QFileDialog* dialog = createWorkspaceSafeFileDialog(parent, title, exportFolder(), filter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setDefaultSuffix(suffix);
    dialog->selectFile(suggestedName + QLatin1Char('.') + suffix);
    // The chosen filter decides the suffix added to a name typed without one.
    QObject::connect(dialog, &QFileDialog::filterSelected, dialog, [dialog](const QString& f) {
        if (f.contains(QLatin1String("*.pdf")))
            dialog->setDefaultSuffix(QStringLiteral("pdf"));
        else if (f.contains(QLatin1String("*.svg")))
            dialog->setDefaultSuffix(QStringLiteral("svg"));
        else if (f.contains(QLatin1String("*.png")))
            dialog->setDefaultSuffix(QStringLiteral("png"));
    });
    return dialog;
}

void reportFailure(QWidget* parent, const QString& message) {
    auto* box = new QMessageBox(QMessageBox::Critical, QObject::tr("Export"), message,
                                QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("exportErrorDialog"));
    box->open();
}

/// Paints `draw` into an SVG file of `size` (vector: lines stay lines, text stays text).
bool writeSvg(const QString& path, QSize size, const std::function<void(QCPPainter&)>& draw) {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QStringLiteral("TrainLab"));
    QCPPainter painter;
    if (!painter.begin(&svg))
        return false;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    draw(painter);
    return painter.end();
}

QString unknownSuffix(const QString& path) {
    return QObject::tr("%1: a figure is saved as .png, .svg or .pdf").arg(path);
}

bool reportWritten(bool written, const QString& path, QString* error) {
    if (!written && error)
        *error = QObject::tr("%1: cannot be written").arg(path);
    return written;
}

} // namespace

bool savePlotFile(QCustomPlot* plot, const QString& path, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool saved = false;
    if (suffix == QLatin1String("png"))
        saved = plot->savePng(path, 0, 0, 2.0);
    else if (suffix == QLatin1String("pdf"))
        saved = plot->savePdf(path);
    else if (suffix == QLatin1String("svg"))
        saved = writeSvg(path, plot->size(), [plot](QCPPainter& painter) {
            plot->toPainter(&painter, plot->width(), plot->height());
        });
    else {
        if (error)
            *error = unknownSuffix(path);
        return false;
    }
    return reportWritten(saved, path, error);
}

bool saveWidgetFigure(QWidget* widget, const QString& path, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const auto paint = [widget](QPainter& painter) {
        widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    };
    bool saved = false;
    if (suffix == QLatin1String("png")) {
        QImage image(widget->size() * 2, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2.0);
        image.fill(Qt::white);
        QPainter painter(&image);
        paint(painter);
        painter.end();
        saved = image.save(path, "PNG");
    } else if (suffix == QLatin1String("svg")) {
        saved = writeSvg(path, widget->size(), paint);
    } else if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QSizeF(widget->size()), QPageSize::Point));
        pdf.setPageMargins(QMarginsF());
        pdf.setResolution(72);
        QPainter painter;
        saved = painter.begin(&pdf);
        if (saved) {
            paint(painter);
            saved = painter.end();
        }
    } else {
        if (error)
            *error = unknownSuffix(path);
        return false;
    }
    return reportWritten(saved, path, error);
}

bool saveTableCsv(const QAbstractItemModel* model, const QString& path, QString* error, int role) {
    if (QFileInfo(path).suffix().toLower() != QLatin1String("csv")) {
        if (error)
            *error = QObject::tr("%1: a table is saved as .csv").arg(path);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = QObject::tr("%1: cannot be written (%2)").arg(path, file.errorString());
        return false;
    }
    QTextStream out(&file);
    QStringList header;
    for (int c = 0; c < model->columnCount(); ++c)
        header << csvField(model->headerData(c, Qt::Horizontal, Qt::DisplayRole));
    out << header.join(QLatin1Char(',')) << '\n';
    for (int r = 0; r < model->rowCount(); ++r) {
        QStringList fields;
        for (int c = 0; c < model->columnCount(); ++c)
            fields << csvField(model->index(r, c).data(role));
        out << fields.join(QLatin1Char(',')) << '\n';
    }
    out.flush();
    if (!file.commit()) {
        if (error)
            *error = QObject::tr("%1: cannot be written (%2)").arg(path, file.errorString());
        return false;
    }
    return true;
}

QFileDialog* askToSavePlot(QWidget* parent, QCustomPlot* plot, const QString& suggestedName) {
    return askToSaveFigure(parent, plot, suggestedName,
                           [](QWidget* target, const QString& path, QString* error) {
                               return savePlotFile(static_cast<QCustomPlot*>(target), path, error);
                           });
}

QFileDialog* askToSaveFigure(QWidget* parent, QWidget* figure, const QString& suggestedName,
                             const FigureWriter& write) {
    QFileDialog* dialog =
        saveDialog(parent, QObject::tr("Save figure"), suggestedName,
                   QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"),
                   QStringLiteral("png"));
    QObject::connect(dialog, &QFileDialog::fileSelected, parent,
                     [parent, write, target = QPointer<QWidget>(figure)](const QString& path) {
                         exportFolder() = QFileInfo(path).absolutePath();
                         QString error;
                         if (target && !write(target, path, &error))
                             reportFailure(parent, error);
                     });
    dialog->open();
    return dialog;
}

QFileDialog* askToSaveTable(QWidget* parent, const QAbstractItemModel* model,
                            const QString& suggestedName, int role) {
    QFileDialog* dialog = saveDialog(parent, QObject::tr("Save table"), suggestedName,
                                     QObject::tr("CSV table (*.csv)"), QStringLiteral("csv"));
    QObject::connect(
        dialog, &QFileDialog::fileSelected, parent,
        [parent, role, target = QPointer<const QAbstractItemModel>(model)](const QString& path) {
            exportFolder() = QFileInfo(path).absolutePath();
            QString error;
            if (target && !saveTableCsv(target, path, &error, role))
                reportFailure(parent, error);
        });
    dialog->open();
    return dialog;
}

} // namespace trainlab
