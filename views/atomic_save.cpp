#include "views/atomic_save.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace recdiff::views {

namespace {

QString shown(const QString& path) { return QDir::toNativeSeparators(path); }

}  // namespace

bool saveAtomically(const QString& path, const std::function<bool(QIODevice&)>& write, QString* error) {
  QSaveFile file(path);
  auto fail = [&](const QString& why) {
    file.cancelWriting();
    if (error) *error = QObject::tr("Cannot write %1: %2").arg(shown(path), why);
    return false;
  };
  if (!file.open(QIODevice::WriteOnly)) return fail(file.errorString());
  if (!write(file) || file.error() != QFileDevice::NoError) {
    return fail(file.error() != QFileDevice::NoError ? file.errorString() : QObject::tr("writing failed"));
  }
  if (!file.commit()) {
    if (error) *error = QObject::tr("Cannot write %1: %2").arg(shown(path), file.errorString());
    return false;
  }
  return true;
}

bool replaceWithFinished(const QString& temporary, const QString& path, QString* error) {
  const QByteArray from = QFile::encodeName(temporary);
  const QByteArray to = QFile::encodeName(path);
  auto fail = [&](int code) {
    QFile::remove(temporary);
    if (error) {
      *error = QObject::tr("Cannot write %1: %2").arg(shown(path), QString::fromLocal8Bit(std::strerror(code)));
    }
    return false;
  };
  const int fd = ::open(from.constData(), O_RDONLY);
  if (fd < 0) return fail(errno);
  const bool synced = ::fsync(fd) == 0;
  const int syncError = errno;
  ::close(fd);
  if (!synced) return fail(syncError);
  if (std::rename(from.constData(), to.constData()) != 0) return fail(errno);
  return true;
}

}  // namespace recdiff::views
