// Runs long work (reading a dataset, training, evaluating) on worker
// threads. Jobs are grouped by kind; starting a job of a kind makes the
// previous one of that kind stale: it is asked to cancel and whatever it
// still posts is dropped. Results come back to the GUI thread through
// queued invocations, in the order they were posted.
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace recdiff::studio {

class JobRunner;

// What a job's work function sees (on its worker thread).
class JobContext {
 public:
  quint64 id() const { return id_; }
  bool cancelled() const { return cancel_->load(); }
  // Runs `fn` on the GUI thread, unless the job has become stale by then.
  void post(std::function<void()> fn) const;
  // A progress callback for the core's long loops: false once the job is
  // cancelled; otherwise posts `report(done, total)` to the GUI thread at
  // most every 100 ms (and always for the last step), so a fast loop does
  // not flood the event queue.
  std::function<bool(std::int64_t, std::int64_t)> throttledProgress(
      std::function<void(qint64, qint64)> report) const;

 private:
  friend class JobRunner;
  quint64 id_ = 0;
  QString kind_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  QPointer<JobRunner> runner_;
};

class JobRunner : public QObject {
  Q_OBJECT

 public:
  explicit JobRunner(QObject* parent = nullptr);
  // Cancels every job and waits for the workers.
  ~JobRunner() override;

  // Starts `work` as the current job of `kind`. `onCancel` (optional) runs
  // on the GUI thread when the job is asked to stop, e.g. to wake a paused
  // trainer. Returns the job's id.
  quint64 start(const QString& kind, std::function<void(JobContext&)> work,
                std::function<void()> onCancel = {});
  // Asks the current job of `kind` to stop; it stays "running" until its
  // work function returns.
  void cancel(const QString& kind);
  void cancelAll();
  // Cancels the current job of `kind` and forgets it: nothing it posts is
  // delivered any more and the kind is no longer running.
  void discard(const QString& kind);
  bool isRunning(const QString& kind) const;
  bool anyRunning() const;
  quint64 currentId(const QString& kind) const;
  // Waits for every worker (shutdown, tests). Events are not processed.
  bool waitForDone(int msecs = -1);

 Q_SIGNALS:
  void runningChanged(const QString& kind, bool running);

 private:
  friend class JobContext;
  struct Job {
    quint64 id = 0;
    bool running = false;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::function<void()> onCancel;
  };
  bool isCurrent(const QString& kind, quint64 id) const;
  void finished(const QString& kind, quint64 id);

  QThreadPool pool_;
  QHash<QString, Job> jobs_;
  quint64 nextId_ = 1;
};

}  // namespace recdiff::studio
