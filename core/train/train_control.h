// Thread-safe pause/resume/cancel requests for a running training job. The
// GUI thread calls the setters; the trainer checks between batches, so a
// cancel takes effect within one batch.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace recdiff::train {

class TrainControl {
 public:
  void requestCancel() {
    cancel_ = true;
    wake_.notify_all();
  }
  void setPaused(bool paused) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      paused_ = paused;
    }
    wake_.notify_all();
  }
  bool cancelRequested() const { return cancel_; }
  bool paused() const { return paused_; }
  // True while the trainer is actually held (the batch that was running
  // when the pause came has ended): what "paused" means to a user.
  bool parked() const { return parked_; }
  // Blocks while paused; returns false when cancelled.
  bool waitWhilePaused() {
    std::unique_lock<std::mutex> lock(mutex_);
    parked_ = paused_ && !cancel_;
    wake_.wait(lock, [&] { return !paused_ || cancel_; });
    parked_ = false;
    return !cancel_;
  }

 private:
  std::atomic<bool> cancel_{false};
  std::atomic<bool> paused_{false};
  std::atomic<bool> parked_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace recdiff::train
