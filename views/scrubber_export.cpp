// The scrubber's exports: its charts as one PNG or SVG, and the whole run
// as a video, one frame per step (ScrubberPanel's export members).
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPainter>
#include <QSvgGenerator>

#include <opencv2/videoio.hpp>

#include "views/atomic_save.h"
#include "views/error_banner.h"
#include "views/scrubber_panel.h"

namespace recdiff::views {

bool ScrubberPanel::exportCharts(const QString& path, QString* error) {
  const bool svg = QFileInfo(path).suffix().compare("svg", Qt::CaseInsensitive) == 0;
  return saveAtomically(
      path,
      [&](QIODevice& device) {
        if (!svg) return chartBox_->grab().save(&device, "PNG");
        QSvgGenerator generator;
        generator.setOutputDevice(&device);
        generator.setSize(chartBox_->size());
        generator.setViewBox(QRect(QPoint(0, 0), chartBox_->size()));
        generator.setTitle(tr("RecDiff Studio reverse-diffusion charts"));
        QPainter painter;
        if (!painter.begin(&generator)) return false;
        chartBox_->render(&painter);
        return painter.end();
      },
      error);
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
    // OpenCV's frames are BGR, which Qt converts to directly.
    const QImage frame =
        grab().toImage().convertToFormat(QImage::Format_BGR888).copy(0, 0, size.width(), size.height());
    const cv::Mat bgr(frame.height(), frame.width(), CV_8UC3, const_cast<uchar*>(frame.constBits()),
                      static_cast<std::size_t>(frame.bytesPerLine()));
    writer.write(bgr);
  }
  writer.release();
  setCurrentStep(was);
  return replaceWithFinished(tmp, path, error);
}

void ScrubberPanel::exportDialog() {
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export"), QString(), tr("Charts (*.png *.svg);;Video of the run (*.avi)"));
  if (path.isEmpty()) return;
  QString error;
  const bool ok = QFileInfo(path).suffix().compare("avi", Qt::CaseInsensitive) == 0 ? exportVideo(path, 10.0, &error)
                                                                                    : exportCharts(path, &error);
  if (!ok) banner_->showError(tr("Export failed"), error);
}

}  // namespace recdiff::views
