// Shared set-up for the GUI tests: isolated settings and data folders,
// where the reference datasets live, small configurations that train in
// seconds, and a wait that keeps the event loop running.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <nlohmann/json.hpp>

#include "core/data/synthetic.h"

namespace recdiff::testing {

// Settings, recovery copies and scratch checkpoints go to the test folders.
inline void isolateSettings() {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName("RecDiffTests");
  QCoreApplication::setApplicationName("RecDiff Studio Tests");
}

inline QString datasetsDir() { return QStringLiteral(RECDIFF_SOURCE_DIR "/../shared/datasets"); }

inline QString dataset(const QString& relative) { return datasetsDir() + "/" + relative; }

inline bool haveDataset(const QString& relative) { return QFileInfo::exists(dataset(relative)); }

// Waits for `spy` to hold at least `count` signals while the event loop runs.
inline bool waitForCount(QSignalSpy& spy, int count, int timeoutMs) {
  QElapsedTimer clock;
  clock.start();
  while (spy.count() < count && clock.elapsed() < timeoutMs) QTest::qWait(20);
  return spy.count() >= count;
}

// A small planted-interest dataset: a few hundred users.
inline data::SyntheticConfig smallSynthetic() {
  data::SyntheticConfig c;
  c.users = 300;
  c.items = 150;
  c.categories = 4;
  c.maxInterestsPerUser = 2;
  c.meanLength = 12;
  c.seed = 3;
  return c;
}

// ADIGRec small enough to train an epoch in about a second on two cores.
inline nlohmann::json smallAdigrec(int epochs = 1) {
  return {{"dim", 16},        {"interests", 2},   {"diffusion_steps", 20}, {"blocks", 1},     {"negatives", 5},
          {"batch_size", 64}, {"epochs", epochs}, {"patience", 100},       {"max_length", 20}};
}

}  // namespace recdiff::testing
