#include "app/studio/recovery_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace recdiff::studio {

RecoveryStore::RecoveryStore(QString file) : file_(std::move(file)) {
  if (file_.isEmpty()) {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (dir.isEmpty()) dir = QDir::tempPath() + "/recdiff-studio";
    file_ = dir + "/recovery.rdsession";
  }
}

bool RecoveryStore::exists() const { return QFileInfo::exists(file_); }

bool RecoveryStore::save(const SessionDocument& session, const QString& originalPath) {
  const QFileInfo info(file_);
  if (!QDir().mkpath(info.absolutePath())) return false;
  nlohmann::json j = session.toJson(info.absoluteDir());
  j["recovery"] = {{"original_path", originalPath.toStdString()},
                   {"saved_at", QDateTime::currentDateTime().toString(Qt::ISODate).toStdString()}};
  const std::string text = j.dump(2);
  QSaveFile out(file_);
  if (!out.open(QIODevice::WriteOnly)) return false;
  out.write(text.data(), static_cast<qint64>(text.size()));
  return out.commit();
}

RecoveryStore::Recovered RecoveryStore::load() const {
  Recovered r;
  r.session = loadSessionFile(file_);
  QFile in(file_);
  if (in.open(QIODevice::ReadOnly)) {
    const QByteArray bytes = in.readAll();
    const auto j = nlohmann::json::parse(bytes.constBegin(), bytes.constEnd(), nullptr, false);
    if (j.is_object() && j.contains("recovery") && j["recovery"].is_object()) {
      r.originalPath = QString::fromStdString(j["recovery"].value("original_path", std::string()));
      r.savedAt =
          QDateTime::fromString(QString::fromStdString(j["recovery"].value("saved_at", std::string())), Qt::ISODate);
    }
  }
  return r;
}

QString RecoveryStore::describe() const {
  if (!exists()) return {};
  try {
    const Recovered r = load();
    const QString name =
        r.originalPath.isEmpty() ? QObject::tr("an unsaved session") : QFileInfo(r.originalPath).fileName();
    return QObject::tr("RecDiff Studio did not close normally. Restore %1 (%2 models, autosaved %3)?")
        .arg(name)
        .arg(r.session.models.size())
        .arg(r.savedAt.isValid() ? r.savedAt.toString("yyyy-MM-dd HH:mm") : QObject::tr("earlier"));
  } catch (const std::exception&) {
    return QObject::tr("RecDiff Studio did not close normally, but its recovery copy is unreadable.");
  }
}

void RecoveryStore::discard() { QFile::remove(file_); }

}  // namespace recdiff::studio
