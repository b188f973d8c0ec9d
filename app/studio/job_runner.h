// Runs long work (reading a dataset, training, evaluating) on worker
// threads. Jobs are grouped by kind; starting a job of a kind makes the
// previous one of that kind stale: it is asked to cancel and whatever it
// still posts is dropped. Results come back to the GUI thread through
// queued invocations, in the order they were posted.
//
// The runner is the one place that knows whether a kind of job runs: the
// controllers ask it (isRunning) and end their jobs with JobContext::finish,
// which marks the job done before the controller announces its result, so
// that whoever handles that announcement already sees the job stopped.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

namespace recdiff::studio {

class JobRunner;

// Every kind of background job the Studio runs; at most one of each at a time.
enum class JobKind {
  Dataset,      // reading or generating the session's dataset
  Checkpoints,  // loading the session's checkpoints
  Training,
  Evaluation,
  Inspection,    // the scrubber's reverse runs of one user
  Routing,       // the Interests panel's second model
  StepAccuracy,  // HR@K of every reverse step over the test split
  Ranking,       // the rank of every test user's target
  Projection,    // the 2-D map of the catalogue
};
// "training", "step accuracy", ...: for messages.
QString jobKindName(JobKind kind);

// What a job's work function sees (on its worker thread).
class JobContext {
 public:
  quint64 id() const { return id_; }
  bool cancelled() const { return cancel_->load(); }
  // Runs `fn` on the GUI thread, unless the job has become stale by then.
  void post(std::function<void()> fn) const;
  // The job's last word: on the GUI thread (unless stale by then) marks the
  // job done, then runs `deliver`, which announces its result.
  void finish(std::function<void()> deliver) const;
  // A progress callback for the core's long loops: false once the job is
  // cancelled; otherwise posts `report(done, total)` to the GUI thread at
  // most every 100 ms (and always for the last step), so a fast loop does
  // not flood the event queue.
  std::function<bool(std::int64_t, std::int64_t)> throttledProgress(std::function<void(qint64, qint64)> report) const;

 private:
  friend class JobRunner;
  // Runs `fn` on the GUI thread unless the job is stale; `last`: marks the
  // job done first.
  void queue(std::function<void()> fn, bool last) const;
  quint64 id_ = 0;
  JobKind kind_ = JobKind::Dataset;
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
  quint64 start(JobKind kind, std::function<void(JobContext&)> work, std::function<void()> onCancel = {});
  // Asks the current job of `kind` to stop; it stays "running" until it
  // finishes or its work function returns.
  void cancel(JobKind kind);
  void cancelAll();
  // Cancels the current job of `kind` and forgets it: nothing it posts is
  // delivered any more and the kind is no longer running.
  void discard(JobKind kind);
  bool isRunning(JobKind kind) const;
  bool anyRunning() const;
  quint64 currentId(JobKind kind) const;
  // Waits for every worker (shutdown, tests). Events are not processed.
  bool waitForDone(int msecs = -1);

 Q_SIGNALS:
  void runningChanged(recdiff::studio::JobKind kind, bool running);

 private:
  friend class JobContext;
  struct Job {
    quint64 id = 0;
    bool running = false;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::function<void()> onCancel;
  };
  bool isCurrent(JobKind kind, quint64 id) const;
  void finished(JobKind kind, quint64 id);

  QThreadPool pool_;
  std::map<JobKind, Job> jobs_;
  quint64 nextId_ = 1;
};

}  // namespace recdiff::studio
