// How `recdiff dataset ...` shows datasets: the statistics table and the
// load report as text, and the same as JSON for --json.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "core/data/dataset_loader.h"

namespace recdiff::cli {

nlohmann::ordered_json statsToJson(const data::DatasetStats& stats, bool histograms);
nlohmann::ordered_json readReportToJson(const data::ReadReport& report);
nlohmann::ordered_json loadReportToJson(const data::LoadReport& report);

// The papers' figures as a table; with `before`, a column for the data as
// read and one for the dataset after preprocessing.
void printStatsTable(std::ostream& out, const data::DatasetStats& stats, const data::DatasetStats* before);
// Length and popularity distributions as short text histograms.
void printHistograms(std::ostream& out, const data::DatasetStats& stats);
// The load report's lines (files read, rejections, preprocessing, split,
// metadata, warnings), indented.
void printLoadReport(std::ostream& out, const data::LoadReport& report);

}  // namespace recdiff::cli
