// The scrubber's exports: its charts as one PNG or SVG, and the whole run
// as a video, one frame per step (ScrubberPanel's export members).
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QPainter>
#include <QSvgGenerator>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "views/error_banner.h"
#include "views/scrubber_panel.h"

namespace recdiff::views {

bool ScrubberPanel::exportCharts(const QString& path, QString* error) {
  const QString tmp = path + ".part";
  bool ok = false;
  if (QFileInfo(path).suffix().compare("svg", Qt::CaseInsensitive) == 0) {
    QSvgGenerator svg;
    svg.setFileName(tmp);
    svg.setSize(chartBox_->size());
    svg.setViewBox(QRect(QPoint(0, 0), chartBox_->size()));
    svg.setTitle(tr("RecDiff Studio reverse-diffusion charts"));
    QPainter painter;
    ok = painter.begin(&svg);
    if (ok) {
      chartBox_->render(&painter);
      ok = painter.end();
    }
  } else {
    ok = chartBox_->grab().save(tmp, "PNG");
  }
  if (ok) {
    QFile::remove(path);
    ok = QFile::rename(tmp, path);
  }
  if (!ok) {
    QFile::remove(tmp);
    if (error) *error = tr("Cannot write %1").arg(QDir::toNativeSeparators(path));
  }
  return ok;
}

bool ScrubberPanel::exportVideo(const QString& path, double framesPerSecond, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (stepCount() == 0) return fail(tr("Run the reverse process first."));
  setPlaying(false);
  const int was = currentStep();
  const QString tmp = path + ".part.avi";  // OpenCV picks the container by suffix
  cv::VideoWriter writer;
  QSize size = grab().size();
  size = QSize(size.width() / 2 * 2, size.height() / 2 * 2);  // encoders want even sizes
  if (!writer.open(tmp.toStdString(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), framesPerSecond,
                   cv::Size(size.width(), size.height()))) {
    return fail(tr("Cannot write a video to %1").arg(QDir::toNativeSeparators(path)));
  }
  for (int i = 0; i < stepCount(); ++i) {
    setCurrentStep(i);
    const QImage frame = grab().toImage().convertToFormat(QImage::Format_RGB888).copy(0, 0, size.width(), size.height());
    cv::Mat rgb(frame.height(), frame.width(), CV_8UC3, const_cast<uchar*>(frame.constBits()),
                static_cast<std::size_t>(frame.bytesPerLine()));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    writer.write(bgr);
  }
  writer.release();
  setCurrentStep(was);
  QFile::remove(path);
  if (!QFile::rename(tmp, path)) {
    QFile::remove(tmp);
    return fail(tr("Cannot write %1").arg(QDir::toNativeSeparators(path)));
  }
  return true;
}

void ScrubberPanel::exportDialog() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export"), QString(),
                                                    tr("Charts (*.png *.svg);;Video of the run (*.avi)"));
  if (path.isEmpty()) return;
  QString error;
  const bool ok = QFileInfo(path).suffix().compare("avi", Qt::CaseInsensitive) == 0 ? exportVideo(path, 10.0, &error)
                                                                                     : exportCharts(path, &error);
  if (!ok) banner_->showError(tr("Export failed"), error);
}

}  // namespace recdiff::views
