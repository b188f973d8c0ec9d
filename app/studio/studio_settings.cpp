#include "app/studio/studio_settings.h"

#include <QFileInfo>
#include <QSettings>

namespace recdiff::studio::settings {

QStringList recentSessions() {
  QSettings s;
  QStringList out;
  for (const QString& p : s.value("sessions/recent").toStringList()) {
    if (QFileInfo::exists(p) && !out.contains(p)) out << p;
  }
  return out;
}

void addRecentSession(const QString& path) {
  if (path.isEmpty() || path.startsWith(":/")) return;
  const QString absolute = QFileInfo(path).absoluteFilePath();
  QSettings s;
  QStringList list = s.value("sessions/recent").toStringList();
  list.removeAll(absolute);
  list.prepend(absolute);
  while (list.size() > kMaxRecent) list.removeLast();
  s.setValue("sessions/recent", list);
}

QByteArray windowGeometry() { return QSettings().value("window/geometry").toByteArray(); }
QByteArray windowState() { return QSettings().value("window/state").toByteArray(); }

void saveWindowLayout(const QByteArray& geometry, const QByteArray& state) {
  QSettings s;
  s.setValue("window/geometry", geometry);
  s.setValue("window/state", state);
}

views::TrainingRequest trainingDefaults() {
  QSettings s;
  views::TrainingRequest r;
  r.device = s.value("training/device", "cpu").toString().toStdString();
  r.threads = s.value("training/threads", 0).toInt();
  return r;
}

void saveTrainingDefaults(const views::TrainingRequest& r) {
  QSettings s;
  s.setValue("training/device", QString::fromStdString(r.device));
  s.setValue("training/threads", r.threads);
}

}  // namespace recdiff::studio::settings
