// recdiff-studio: the desktop workbench.
//
//   recdiff-studio [SESSION.rdsession] [--demo] [--screenshot PNG [--panel NAME]]
//                  [--screenshot-dir DIR]
//
// The session is a positional argument, not "--session FILE": QApplication
// takes -session/--session for X11 session management and removes it from
// the arguments before our parser sees them.
//
// --screenshot grabs the main window once the demo (or the session's
// loading) has finished, writes the PNG and quits; --screenshot-dir writes
// main.png and one picture per panel. Both are for the docs and for checks.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QIcon>
#include <QPixmap>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <iostream>

#include "app/studio/about_box.h"
#include "app/studio/dataset_controller.h"
#include "app/studio/job_runner.h"
#include "app/studio/main_window.h"
#include "app/studio/scrubber_benchmark.h"
#include "app/studio/studio_controller.h"
#include "core/core_version.h"
#include "core/process_tuning.h"
#include "views/atomic_save.h"
#include "views/series_chart.h"

using recdiff::studio::MainWindow;

namespace {

void grabTo(MainWindow& window, const QString& path) {
  for (auto* chart : window.findChildren<recdiff::views::SeriesChart*>()) chart->flush();
  QApplication::processEvents();
  const QPixmap pixmap = window.grab();
  QString error;
  if (!recdiff::views::saveAtomically(
          path, [&](QIODevice& device) { return pixmap.save(&device, "PNG"); }, &error)) {
    std::fprintf(stderr, "recdiff-studio: %s\n", qPrintable(error));
  } else {
    std::printf("recdiff-studio: wrote %s (%dx%d)\n", qPrintable(path), pixmap.width(), pixmap.height());
  }
}

// --help and --version print and quit: they must work over ssh and in the
// package build (help2man runs them) where no display exists, so without one
// the window system is Qt's offscreen platform.
void allowTextOnlyRunsWithoutDisplay(int argc, char** argv) {
  if (qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
      qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) {
    return;
  }
  for (int i = 1; i < argc; ++i) {
    const QByteArray arg(argv[i]);
    if (arg == "--help" || arg == "-h" || arg == "--help-all" || arg == "--version" || arg == "-v") {
      qputenv("QT_QPA_PLATFORM", "offscreen");
      return;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  recdiff::tuneProcess(argv);  // before any library spins up threads
  allowTextOnlyRunsWithoutDisplay(argc, argv);
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("RecDiff");
  QCoreApplication::setApplicationName("RecDiff Studio");
  QCoreApplication::setApplicationVersion(QString::fromStdString(recdiff::buildInfo().recdiffVersion));
  QApplication::setStyle(QStyleFactory::create("Fusion"));
  QApplication::setWindowIcon(QIcon(":/icons/recdiff-studio.svg"));
  QFile sheet(":/style/studio.qss");
  if (sheet.open(QIODevice::ReadOnly)) app.setStyleSheet(QString::fromUtf8(sheet.readAll()));

  QCommandLineParser parser;
  parser.setApplicationDescription("A workbench for diffusion-based sequential recommendation.");
  parser.addHelpOption();
  // Not addVersionOption(): the version alone does not say what a bug report
  // needs (LibTorch, Qt, BLAS, CUDA).
  const QCommandLineOption version({"v", "version"}, "Show the version and the libraries it runs on, then quit.");
  parser.addOption(version);
  const QCommandLineOption demo("demo", "Start the built-in demo immediately.");
  const QCommandLineOption screenshot("screenshot", "Grab the window to PNG when ready, then quit.", "PATH");
  const QCommandLineOption panel("panel",
                                 "Raise this panel before the screenshot (dataset, model, training, evaluation, "
                                 "scrubber, interests, projection, log).",
                                 "NAME");
  const QCommandLineOption screenshotDir("screenshot-dir", "Write main.png and one PNG per panel, then quit.", "DIR");
  const QCommandLineOption timeout("timeout", "Seconds to wait for the demo before a screenshot (default 300).",
                                   "SECONDS", "300");
  const QCommandLineOption benchScrubber(
      "bench-scrubber", "Time the scrubber's slider redraw with T diffusion steps, print JSON, quit.", "T");
  parser.addOptions({demo, screenshot, panel, screenshotDir, timeout, benchScrubber});
  parser.addPositionalArgument("session", "A session file (*.rdsession) to open.", "[SESSION]");
  parser.process(app);
  if (parser.isSet(version)) {
    std::fputs(qPrintable(recdiff::studio::versionText()), stdout);
    return 0;
  }
  if (parser.positionalArguments().size() > 1) {
    std::fprintf(stderr, "recdiff-studio: expected at most one session file, got %lld arguments\n",
                 static_cast<long long>(parser.positionalArguments().size()));
    return 2;
  }
  if (parser.isSet(benchScrubber)) {
    recdiff::studio::ScrubberBenchmarkOptions bench;
    bench.diffusionSteps = parser.value(benchScrubber).toInt();
    if (bench.diffusionSteps < 1) {
      std::fprintf(stderr, "recdiff-studio: --bench-scrubber expects a positive number of steps\n");
      return 2;
    }
    return recdiff::studio::runScrubberBenchmark(bench, std::cout, std::cerr);
  }

  const bool grabbing = parser.isSet(screenshot) || parser.isSet(screenshotDir);
  MainWindow::Options options;
  options.restoreLayout = !grabbing;  // pictures show the default layout
  MainWindow window(options);
  if (grabbing) {
    window.setQuietClose(true);
    window.resize(1600, 1000);
  }
  window.show();

  if (!parser.positionalArguments().isEmpty()) window.openSessionFile(parser.positionalArguments().front());
  if (parser.isSet(demo)) window.startDemo();

  if (grabbing) {
    auto grabAndQuit = [&window, &parser, &screenshot, &panel, &screenshotDir](bool ok) {
      if (parser.isSet(screenshot)) {
        if (parser.isSet(panel)) window.showPanel(parser.value(panel));
        grabTo(window, parser.value(screenshot));
      }
      if (parser.isSet(screenshotDir)) {
        const QString dir = parser.value(screenshotDir);
        QDir().mkpath(dir);
        grabTo(window, dir + "/main.png");
        for (const char* name : {"dataset", "model", "training", "evaluation", "scrubber", "interests", "projection"}) {
          window.showPanel(name);
          grabTo(window, dir + "/" + QString(name) + ".png");
        }
        // The training dock's second tab: the collapse watch.
        window.showPanel("training");
        if (auto* tabs = window.findChild<QTabWidget*>("epochCharts")) {
          tabs->setCurrentIndex(1);
          grabTo(window, dir + "/collapse-watch.png");
          tabs->setCurrentIndex(0);
        }
      }
      window.close();
      QCoreApplication::exit(ok ? 0 : 1);
    };
    auto* clock = new QElapsedTimer;
    clock->start();
    const qint64 limitMs = parser.value(timeout).toLongLong() * 1000;
    auto* poll = new QTimer(&app);
    poll->setInterval(250);
    const bool waitForDemo = parser.isSet(demo);
    QObject::connect(&window, &MainWindow::demoFinished, &app, [poll, grabAndQuit](bool ok, const QString& message) {
      poll->stop();
      if (!ok) std::fprintf(stderr, "recdiff-studio: demo did not finish: %s\n", qPrintable(message));
      // Let the last results reach the panels and charts.
      QTimer::singleShot(600, qApp, [grabAndQuit, ok] { grabAndQuit(ok); });
    });
    QObject::connect(poll, &QTimer::timeout, &app, [&window, poll, clock, limitMs, waitForDemo, grabAndQuit] {
      const bool busy = window.studio()->jobs()->anyRunning();
      if (clock->elapsed() > limitMs) {
        poll->stop();
        std::fprintf(stderr, "recdiff-studio: timed out, grabbing what there is\n");
        grabAndQuit(false);
      } else if (!waitForDemo && !busy && clock->elapsed() > 1000) {
        poll->stop();
        QTimer::singleShot(300, qApp, [grabAndQuit] { grabAndQuit(true); });
      }
    });
    poll->start();
  }
  return app.exec();
}
