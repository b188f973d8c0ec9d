#include "app/studio/job_runner.h"

#include <QElapsedTimer>

#include <QMetaObject>
#include <QtGlobal>

#include <cstdint>
#include <exception>

namespace recdiff::studio {

std::function<bool(std::int64_t, std::int64_t)> JobContext::throttledProgress(
    std::function<void(qint64, qint64)> report) const {
  auto sincePost = std::make_shared<QElapsedTimer>();
  sincePost->start();
  return [this, sincePost, report = std::move(report)](std::int64_t done, std::int64_t total) {
    if (cancelled()) return false;
    if (sincePost->elapsed() >= 100 || done == total) {
      sincePost->restart();
      post([report, done, total] { report(done, total); });
    }
    return true;
  };
}

void JobContext::post(std::function<void()> fn) const {
  JobRunner* runner = runner_.data();
  if (!runner) return;
  const QString kind = kind_;
  const quint64 id = id_;
  QMetaObject::invokeMethod(
      runner,
      [runner, kind, id, fn = std::move(fn)] {
        if (runner->isCurrent(kind, id)) fn();
      },
      Qt::QueuedConnection);
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  // Dataset reading, training and evaluation may run side by side.
  pool_.setMaxThreadCount(4);
}

JobRunner::~JobRunner() {
  cancelAll();
  pool_.waitForDone();
}

quint64 JobRunner::start(const QString& kind, std::function<void(JobContext&)> work,
                         std::function<void()> onCancel) {
  cancel(kind);
  Job job;
  job.id = nextId_++;
  job.running = true;
  job.cancel = std::make_shared<std::atomic<bool>>(false);
  job.onCancel = std::move(onCancel);
  const bool wasRunning = isRunning(kind);
  jobs_.insert(kind, job);

  auto context = std::make_shared<JobContext>();
  context->id_ = job.id;
  context->kind_ = kind;
  context->cancel_ = job.cancel;
  context->runner_ = this;
  const quint64 id = job.id;
  QPointer<JobRunner> self(this);
  pool_.start([self, context, kind, id, work = std::move(work)] {
    try {
      work(*context);
    } catch (const std::exception& e) {
      // Work functions report their own errors; this is the last resort.
      qWarning("job %s #%llu failed: %s", qPrintable(kind), static_cast<unsigned long long>(id), e.what());
    } catch (...) {
      qWarning("job %s #%llu failed", qPrintable(kind), static_cast<unsigned long long>(id));
    }
    if (JobRunner* runner = self.data()) {
      QMetaObject::invokeMethod(runner, [runner, kind, id] { runner->finished(kind, id); },
                                Qt::QueuedConnection);
    }
  });
  if (!wasRunning) Q_EMIT runningChanged(kind, true);
  return id;
}

void JobRunner::cancel(const QString& kind) {
  auto it = jobs_.find(kind);
  if (it == jobs_.end() || !it->running) return;
  if (!it->cancel->exchange(true) && it->onCancel) it->onCancel();
}

void JobRunner::cancelAll() {
  for (auto it = jobs_.begin(); it != jobs_.end(); ++it) cancel(it.key());
}

void JobRunner::discard(const QString& kind) {
  if (!jobs_.contains(kind)) return;
  cancel(kind);
  const bool wasRunning = jobs_.value(kind).running;
  jobs_.remove(kind);
  if (wasRunning) Q_EMIT runningChanged(kind, false);
}

bool JobRunner::isRunning(const QString& kind) const {
  const auto it = jobs_.find(kind);
  return it != jobs_.end() && it->running;
}

bool JobRunner::anyRunning() const {
  for (const Job& j : jobs_) {
    if (j.running) return true;
  }
  return false;
}

quint64 JobRunner::currentId(const QString& kind) const {
  const auto it = jobs_.find(kind);
  return it == jobs_.end() ? 0 : it->id;
}

bool JobRunner::isCurrent(const QString& kind, quint64 id) const {
  const auto it = jobs_.find(kind);
  return it != jobs_.end() && it->id == id;
}

void JobRunner::finished(const QString& kind, quint64 id) {
  auto it = jobs_.find(kind);
  if (it == jobs_.end() || it->id != id) return;  // a stale job ended; the current one still runs
  it->running = false;
  it->onCancel = nullptr;
  Q_EMIT runningChanged(kind, false);
}

bool JobRunner::waitForDone(int msecs) { return pool_.waitForDone(msecs); }

}  // namespace recdiff::studio
