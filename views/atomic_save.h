// The Qt side's one way to write a file, as core/data/atomic_file.h is the
// core's: the content goes to a temporary file in the same folder, which is
// flushed to the disk and renamed over the target only when everything was
// written (QSaveFile). On any failure the temporary is removed, the old
// file is untouched and `error` says why; at no moment is there no file.
#pragma once

#include <QString>

#include <functional>

class QIODevice;

namespace recdiff::views {

// Calls `write` with the open temporary; it returns false (or leaves the
// device in error) when it could not write everything.
bool saveAtomically(const QString& path, const std::function<bool(QIODevice&)>& write, QString* error);

// For files another library writes by name (OpenCV's video writer): puts the
// finished `temporary` in place of `path` with one rename(2), which replaces
// atomically. The temporary must be in the same folder; it is flushed to
// the disk first and removed on failure.
bool replaceWithFinished(const QString& temporary, const QString& path, QString* error);

}  // namespace recdiff::views
