#include "app/studio/scrubber_benchmark.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSlider>

#include <algorithm>
#include <ostream>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/studio/core_facade.h"
#include "app/studio/inspection_facade.h"
#include "core/core_version.h"
#include "core/data/synthetic.h"
#include "core/train/demo_recipe.h"
#include "views/scrubber_panel.h"

namespace recdiff::studio {

namespace {

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int runScrubberBenchmark(const ScrubberBenchmarkOptions& options, std::ostream& out, std::ostream& err) {
  try {
    const data::SyntheticData synthetic = data::generateSynthetic(train::demo::syntheticConfig());
    const data::SequenceDataset& dataset = synthetic.dataset;
    models::Config config = train::demo::modelConfig();
    config["diffusion_steps"] = options.diffusionSteps;
    config["epochs"] = 1;
    core::TrainSettings settings;
    settings.validationSamples = 20;
    err << "training ADIGRec (T = " << options.diffusionSteps << ") for one epoch…\n";
    const core::TrainOutcome trained = core::train(train::demo::kModelName, config, dataset, settings, {}, {}, nullptr);
    if (trained.model.isNull()) throw std::runtime_error("the training run produced no model");

    QVector<views::ScrubberRun> runs;
    for (int r = 0; r < options.runs; ++r) {
      core::TraceSettings trace;
      trace.seed = options.seed + static_cast<unsigned>(r);
      views::ScrubberRun run;
      run.label = QString("seed %1").arg(trace.seed);
      run.table = core::traceReverse(trained.model, dataset.test.front(), trace);
      runs.push_back(std::move(run));
    }

    views::ScrubberPanel panel;
    panel.resize(1600, 1000);
    panel.setSamples({"user 1"});
    panel.setHistory(QVector<qint64>(dataset.test.front().history.begin(), dataset.test.front().history.end()),
                     dataset.test.front().target);
    panel.setDiffusionSteps(options.diffusionSteps);
    panel.setRuns(runs);
    panel.show();
    QApplication::processEvents();
    panel.repaint();
    std::mt19937 rng(options.seed);
    std::uniform_int_distribution<int> step(0, panel.stepCount() - 1);
    std::vector<double> ms;
    ms.reserve(static_cast<std::size_t>(options.moves));
    for (int i = 0; i < options.moves; ++i) {
      const int target = step(rng);
      QElapsedTimer clock;
      clock.start();
      panel.slider()->setValue(target);
      panel.repaint();
      ms.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
      QApplication::processEvents();  // whatever else is queued, outside the timing
    }

    const BuildInfo info = buildInfo();
    nlohmann::ordered_json j;
    j["case"] = "scrubber-slider";
    j["diffusion_steps"] = options.diffusionSteps;
    j["steps_recorded"] = panel.stepCount();
    j["runs"] = options.runs;
    j["moves"] = options.moves;
    j["panel"] = {panel.width(), panel.height()};
    j["qpa_platform"] = QGuiApplication::platformName().toStdString();
    j["ms"] = {{"median", percentile(ms, 0.5)},
               {"p95", percentile(ms, 0.95)},
               {"max", *std::max_element(ms.begin(), ms.end())}};
    j["build"] = {{"recdiff", info.recdiffVersion}, {"torch", info.torchVersion}, {"qt", qVersion()}};
    out << j.dump(2) << '\n';
    return 0;
  } catch (const std::exception& e) {
    err << "recdiff-studio: scrubber benchmark failed: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace recdiff::studio
