#include "app/studio/about_box.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QThread>
#include <QtGlobal>

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <opencv2/core/version.hpp>

#include "app/studio/core_facade.h"

namespace recdiff::studio {

QString aboutText() {
  const core::DeviceInfo d = core::deviceInfo();
  const QString cuda = d.cudaAvailable ? QObject::tr("available, %1 device(s)").arg(d.cudaDevices)
                                       : QObject::tr("not available (CPU build or no GPU)");
  QString rows;
  auto row = [&rows](const QString& name, const QString& value) {
    rows += "<tr><td style='padding-right:14px'><b>" + name + "</b></td><td>" + value.toHtmlEscaped() + "</td></tr>";
  };
  row("Qt", QString("%1 (built with %2)").arg(qVersion(), QT_VERSION_STR));
  row("LibTorch", QString::fromStdString(d.torchVersion));
  row("CUDA", cuda);
  row("BLAS", QString::fromStdString(d.blas));
  row("OpenCV", CV_VERSION);
  row("Eigen", QString("%1.%2.%3").arg(EIGEN_WORLD_VERSION).arg(EIGEN_MAJOR_VERSION).arg(EIGEN_MINOR_VERSION));
  row("nlohmann-json", QString("%1.%2.%3")
                           .arg(NLOHMANN_JSON_VERSION_MAJOR)
                           .arg(NLOHMANN_JSON_VERSION_MINOR)
                           .arg(NLOHMANN_JSON_VERSION_PATCH));
  row(QObject::tr("CPU cores"), QString::number(QThread::idealThreadCount()));
  return QObject::tr("<h3>RecDiff Studio %1</h3>"
                     "<p>A workbench for diffusion-based sequential recommendation.</p>"
                     "<table>%2</table>")
      .arg(QCoreApplication::applicationVersion().isEmpty() ? QStringLiteral("0.1.0") : QCoreApplication::applicationVersion(), rows);
}

void showAbout(QWidget* parent) { QMessageBox::about(parent, QObject::tr("About RecDiff Studio"), aboutText()); }

}  // namespace recdiff::studio
