// Writing datasets in the shared formats, atomically (`path.tmp`, then a
// rename): sequences.txt (`user item item ...`), items.tsv
// (`item<TAB>category|category`), and a published split folder.
#pragma once

#include <string>

#include "core/data/sequence_dataset.h"
#include "core/data/user_sequences.h"

namespace recdiff::data {

// One user a line, tokens as the dataset spells them. Throws DataError when
// a token contains whitespace (it could not be read back).
void writeSequences(const std::string& path, const UserSequences& sequences);
// The users' full sequences of a leave-one-out or user-ratio dataset.
void writeSequences(const std::string& path, const SequenceDataset& dataset);

// Every item of the dataset with its categories (an empty list when it has
// none), in internal id order. Category names containing '|', tabs or line
// breaks have them replaced by spaces. Throws DataError when the dataset
// has no categories.
void writeItems(const std::string& path, const SequenceDataset& dataset);

// train.tsv, val.tsv, test.tsv in `folder` (created if missing).
void writePublishedSplit(const std::string& folder, const SequenceDataset& dataset);

}  // namespace recdiff::data
