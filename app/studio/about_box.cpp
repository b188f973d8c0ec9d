#include "app/studio/about_box.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QThread>
#include <QtGlobal>

#include <Eigen/Core>
#include <nlohmann/json.hpp>
#include <opencv2/core/version.hpp>
#include <utility>
#include <vector>

#include "core/core_version.h"

namespace recdiff::studio {

namespace {

using Rows = std::vector<std::pair<QString, QString>>;

Rows libraryRows(const BuildInfo& info) {
  const QString cuda = info.cudaAvailable ? QObject::tr("available, %1 device(s)").arg(info.cudaDevices)
                                          : QObject::tr("not available (CPU build or no GPU)");
  return {
      {"Qt", QString("%1 (built with %2)").arg(qVersion(), QT_VERSION_STR)},
      {"LibTorch", QString::fromStdString(info.torchVersion)},
      {"CUDA", cuda},
      {"BLAS", QString::fromStdString(info.blas)},
      {"OpenCV", CV_VERSION},
      {"Eigen", QString("%1.%2.%3").arg(EIGEN_WORLD_VERSION).arg(EIGEN_MAJOR_VERSION).arg(EIGEN_MINOR_VERSION)},
      {"nlohmann-json", QString("%1.%2.%3")
                            .arg(NLOHMANN_JSON_VERSION_MAJOR)
                            .arg(NLOHMANN_JSON_VERSION_MINOR)
                            .arg(NLOHMANN_JSON_VERSION_PATCH)},
      {QObject::tr("CPU cores"), QString::number(QThread::idealThreadCount())},
  };
}

}  // namespace

QString aboutText() {
  const BuildInfo info = buildInfo();
  QString rows;
  for (const auto& [name, value] : libraryRows(info)) {
    rows += "<tr><td style='padding-right:14px'><b>" + name + "</b></td><td>" + value.toHtmlEscaped() + "</td></tr>";
  }
  return QObject::tr(
             "<h3>RecDiff Studio %1</h3>"
             "<p>A workbench for diffusion-based sequential recommendation.</p>"
             "<table>%2</table>")
      .arg(QString::fromStdString(info.recdiffVersion), rows);
}

QString versionText() {
  const BuildInfo info = buildInfo();
  QString text = "recdiff-studio " + QString::fromStdString(info.recdiffVersion) + "\n";
  for (const auto& [name, value] : libraryRows(info)) text += name + ": " + value + "\n";
  return text;
}

void showAbout(QWidget* parent) { QMessageBox::about(parent, QObject::tr("About RecDiff Studio"), aboutText()); }

}  // namespace recdiff::studio
