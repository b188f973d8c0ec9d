// The crash-recovery copy of the session: written by a timer while there
// are unsaved changes, removed when the session is saved or closed cleanly,
// and offered on the start page at the next start if it is still there.
#pragma once

#include <QDateTime>
#include <QString>

#include <optional>

#include "app/studio/session_document.h"

namespace recdiff::studio {

class RecoveryStore {
 public:
  // `file` defaults to recovery.rdsession in the application's data folder.
  explicit RecoveryStore(QString file = QString());

  QString file() const { return file_; }
  bool exists() const;
  // Atomic like a session save; `originalPath` is where the session lives
  // ("" for an unsaved one). Returns false (quietly) when it cannot write.
  bool save(const SessionDocument& session, const QString& originalPath);

  struct Recovered {
    SessionDocument session;
    QString originalPath;
    QDateTime savedAt;
  };
  // Throws SessionError when the copy is unreadable.
  Recovered load() const;
  // "Untitled session, 3 models, autosaved 12:03" for the offer.
  QString describe() const;
  void discard();

 private:
  QString file_;
};

}  // namespace recdiff::studio
