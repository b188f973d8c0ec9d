// What the studio remembers between runs (QSettings): recent sessions, the
// window's geometry and dock layout, and the last training settings.
#pragma once

#include <QByteArray>
#include <QStringList>

#include "views/training_progress.h"

namespace recdiff::studio::settings {

constexpr int kMaxRecent = 8;

QStringList recentSessions();  // existing files only, most recent first
void addRecentSession(const QString& path);

QByteArray windowGeometry();
QByteArray windowState();
void saveWindowLayout(const QByteArray& geometry, const QByteArray& state);

views::TrainingRequest trainingDefaults();
void saveTrainingDefaults(const views::TrainingRequest& request);

}  // namespace recdiff::studio::settings
