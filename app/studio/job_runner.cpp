#include "app/studio/job_runner.h"

#include <QElapsedTimer>

#include <QMetaObject>
#include <QtGlobal>

#include <cstdint>
#include <exception>
#include <vector>

namespace recdiff::studio {

QString jobKindName(JobKind kind) {
  switch (kind) {
    case JobKind::Dataset:
      return QStringLiteral("dataset");
    case JobKind::Checkpoints:
      return QStringLiteral("checkpoints");
    case JobKind::Training:
      return QStringLiteral("training");
    case JobKind::Evaluation:
      return QStringLiteral("evaluation");
    case JobKind::Inspection:
      return QStringLiteral("reverse runs");
    case JobKind::Routing:
      return QStringLiteral("routing");
    case JobKind::StepAccuracy:
      return QStringLiteral("step accuracy");
    case JobKind::Ranking:
      return QStringLiteral("ranking");
    case JobKind::Projection:
      return QStringLiteral("projection");
  }
  return QStringLiteral("job");
}

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

void JobContext::post(std::function<void()> fn) const { queue(std::move(fn), /*last=*/false); }

void JobContext::finish(std::function<void()> deliver) const { queue(std::move(deliver), /*last=*/true); }

void JobContext::queue(std::function<void()> fn, bool last) const {
  JobRunner* runner = runner_.data();
  if (!runner) return;
  const JobKind kind = kind_;
  const quint64 id = id_;
  QMetaObject::invokeMethod(
      runner,
      [runner, kind, id, last, fn = std::move(fn)] {
        if (!runner->isCurrent(kind, id)) return;
        if (last) runner->finished(kind, id);
        fn();
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

quint64 JobRunner::start(JobKind kind, std::function<void(JobContext&)> work, std::function<void()> onCancel) {
  cancel(kind);
  Job job;
  job.id = nextId_++;
  job.running = true;
  job.cancel = std::make_shared<std::atomic<bool>>(false);
  job.onCancel = std::move(onCancel);
  const bool wasRunning = isRunning(kind);
  jobs_[kind] = job;

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
      qWarning("job %s #%llu failed: %s", qPrintable(jobKindName(kind)), static_cast<unsigned long long>(id), e.what());
    } catch (...) {
      qWarning("job %s #%llu failed", qPrintable(jobKindName(kind)), static_cast<unsigned long long>(id));
    }
    if (JobRunner* runner = self.data()) {
      QMetaObject::invokeMethod(
          runner, [runner, kind, id] { runner->finished(kind, id); }, Qt::QueuedConnection);
    }
  });
  if (!wasRunning) Q_EMIT runningChanged(kind, true);
  return id;
}

void JobRunner::cancel(JobKind kind) {
  auto it = jobs_.find(kind);
  if (it == jobs_.end() || !it->second.running) return;
  // (onCancel may start or end other jobs: called on a copy.)
  const std::function<void()> onCancel = it->second.onCancel;
  if (!it->second.cancel->exchange(true) && onCancel) onCancel();
}

void JobRunner::cancelAll() {
  std::vector<JobKind> kinds;
  for (const auto& [kind, job] : jobs_) kinds.push_back(kind);
  for (JobKind kind : kinds) cancel(kind);
}

void JobRunner::discard(JobKind kind) {
  auto it = jobs_.find(kind);
  if (it == jobs_.end()) return;
  cancel(kind);
  it = jobs_.find(kind);
  const bool wasRunning = it != jobs_.end() && it->second.running;
  if (it != jobs_.end()) jobs_.erase(it);
  if (wasRunning) Q_EMIT runningChanged(kind, false);
}

bool JobRunner::isRunning(JobKind kind) const {
  const auto it = jobs_.find(kind);
  return it != jobs_.end() && it->second.running;
}

bool JobRunner::anyRunning() const {
  for (const auto& [kind, job] : jobs_) {
    if (job.running) return true;
  }
  return false;
}

quint64 JobRunner::currentId(JobKind kind) const {
  const auto it = jobs_.find(kind);
  return it == jobs_.end() ? 0 : it->second.id;
}

bool JobRunner::isCurrent(JobKind kind, quint64 id) const {
  const auto it = jobs_.find(kind);
  return it != jobs_.end() && it->second.id == id;
}

void JobRunner::finished(JobKind kind, quint64 id) {
  auto it = jobs_.find(kind);
  // A stale job ended (the current one still runs), or finish() came first.
  if (it == jobs_.end() || it->second.id != id || !it->second.running) return;
  it->second.running = false;
  it->second.onCancel = nullptr;
  Q_EMIT runningChanged(kind, false);
}

bool JobRunner::waitForDone(int msecs) { return pool_.waitForDone(msecs); }

}  // namespace recdiff::studio
