#include "core/train/pytorch_state_dict.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <variant>

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

namespace recdiff::train {

namespace {

// The values a tensor container's pickle builds. A Global is a resolved
// allowed name (never called except through its reconstruction below); a
// Storage is a persistent id resolved to its archive record.
struct Value;
using ValuePtr = std::shared_ptr<Value>;
using List = std::vector<ValuePtr>;
using Dict = std::vector<std::pair<ValuePtr, ValuePtr>>;  // in insertion order

enum class Global { OrderedDict, RebuildTensor, RebuildParameter, StorageType };

struct StorageRef {
  std::string key;  // the record data/<key>
  torch::ScalarType dtype;
  std::int64_t numel = 0;
};

struct Value {
  enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor } kind = Kind::None;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;  // String; for Global the dotted name
  List items;        // Tuple, List
  Dict entries;      // Dict
  Global global = Global::OrderedDict;
  torch::ScalarType storageDtype = torch::kFloat;  // Global::StorageType
  StorageRef storage;
  torch::Tensor tensor;
};

ValuePtr make(Value::Kind kind) {
  auto v = std::make_shared<Value>();
  v->kind = kind;
  return v;
}

// The typed storages torch.save names, by their class name in module torch.
const std::map<std::string, torch::ScalarType>& storageTypes() {
  static const std::map<std::string, torch::ScalarType> types = {
      {"FloatStorage", torch::kFloat},       {"DoubleStorage", torch::kDouble}, {"HalfStorage", torch::kHalf},
      {"BFloat16Storage", torch::kBFloat16}, {"LongStorage", torch::kLong},     {"IntStorage", torch::kInt},
      {"ShortStorage", torch::kShort},       {"CharStorage", torch::kChar},     {"ByteStorage", torch::kByte},
      {"BoolStorage", torch::kBool},
  };
  return types;
}

class Unpickler {
 public:
  Unpickler(std::string path, const std::string& bytes, caffe2::serialize::PyTorchStreamReader& archive)
      : path_(std::move(path)), bytes_(bytes), archive_(archive) {}

  ValuePtr run() {
    while (true) {
      opcodeAt_ = pos_;
      const auto op = static_cast<unsigned char>(u8());
      switch (op) {
        case 0x80:
          u8();
          break;  // PROTO n
        case 0x95:
          skip(8);
          break;   // FRAME length (framing needs no action)
        case '.':  // STOP
          if (stack_.size() != 1) fail("the pickle ends with " + std::to_string(stack_.size()) + " values, not one");
          return stack_.back();
        case '(':
          marks_.push_back(stack_.size());
          break;
        case '}':
          push(make(Value::Kind::Dict));
          break;
        case ']':
          push(make(Value::Kind::List));
          break;
        case ')':
          push(make(Value::Kind::Tuple));
          break;
        case 't':
          push(tuple(popMark()));
          break;
        case 0x85:
          push(tuple(popN(1)));
          break;
        case 0x86:
          push(tuple(popN(2)));
          break;
        case 0x87:
          push(tuple(popN(3)));
          break;
        case 'N':
          push(make(Value::Kind::None));
          break;
        case 0x88:
          push(boolean(true));
          break;
        case 0x89:
          push(boolean(false));
          break;
        case 'K':
          push(integer(static_cast<unsigned char>(u8())));
          break;
        case 'M':
          push(integer(static_cast<std::int64_t>(littleEndian(2))));
          break;
        case 'J':
          push(integer(static_cast<std::int32_t>(littleEndian(4))));
          break;
        case 0x8a:
          push(integer(long1()));
          break;
        case 'G':
          push(real());
          break;
        case 'X':
          push(string(littleEndian(4)));
          break;
        case 0x8c:
          push(string(static_cast<unsigned char>(u8())));
          break;
        case 0x8d:
          push(string(littleEndian(8)));
          break;
        case 'q':
          memoPut(static_cast<unsigned char>(u8()));
          break;
        case 'r':
          memoPut(littleEndian(4));
          break;
        case 0x94:
          memoPut(memo_.size());
          break;  // MEMOIZE
        case 'h':
          push(memoGet(static_cast<unsigned char>(u8())));
          break;
        case 'j':
          push(memoGet(littleEndian(4)));
          break;
        case 'a': {  // APPEND
          auto item = pop();
          listTop()->items.push_back(item);
          break;
        }
        case 'e': {  // APPENDS
          auto items = popMark();
          auto& list = listTop()->items;
          list.insert(list.end(), items.begin(), items.end());
          break;
        }
        case 's': {  // SETITEM
          auto value = pop();
          auto key = pop();
          dictTop()->entries.emplace_back(key, value);
          break;
        }
        case 'u': {  // SETITEMS
          auto items = popMark();
          if (items.size() % 2 != 0) fail("SETITEMS with an odd number of values");
          auto dict = dictTop();
          for (std::size_t i = 0; i < items.size(); i += 2) dict->entries.emplace_back(items[i], items[i + 1]);
          break;
        }
        case 'c': {  // GLOBAL "module\nname\n"
          auto module = line();
          auto name = line();
          push(global(module, name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          auto name = pop();
          auto module = pop();
          if (module->kind != Value::Kind::String || name->kind != Value::Kind::String)
            fail("STACK_GLOBAL with a name that is not a string");
          push(global(module->text, name->text));
          break;
        }
        case 'Q':
          push(persistentLoad(pop()));
          break;     // BINPERSID
        case 'R': {  // REDUCE
          auto args = pop();
          auto callable = pop();
          push(reduce(callable, args));
          break;
        }
        case 'b': {  // BUILD: an OrderedDict's instance attributes (state_dict's _metadata); dropped
          pop();
          if (top()->kind != Value::Kind::Dict) fail("BUILD on something other than a dict");
          break;
        }
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          fail(std::string("pickle opcode ") + hex + " is not one a tensor container uses; refused");
        }
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw CheckpointError(path_ + ": data.pkl, byte " + std::to_string(opcodeAt_) + ": " + problem);
  }

  char u8() {
    if (pos_ >= bytes_.size()) fail("the pickle is truncated");
    return bytes_[pos_++];
  }
  void skip(std::size_t n) {
    if (n > bytes_.size() - pos_) fail("the pickle is truncated");
    pos_ += n;
  }
  std::uint64_t littleEndian(int n) {
    std::uint64_t value = 0;
    for (int i = 0; i < n; ++i) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(u8())) << (8 * i);
    return value;
  }
  std::int64_t long1() {
    const int n = static_cast<unsigned char>(u8());
    if (n > 8) fail("an integer of " + std::to_string(n) + " bytes; at most 8 are read");
    if (n == 0) return 0;
    auto value = littleEndian(n);
    if (n < 8 && (value >> (8 * n - 1)) & 1) value |= ~std::uint64_t{0} << (8 * n);  // sign-extend
    return static_cast<std::int64_t>(value);
  }
  ValuePtr real() {
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<unsigned char>(u8());  // big-endian
    auto v = make(Value::Kind::Float);
    std::memcpy(&v->real, &bits, sizeof bits);
    return v;
  }
  std::string line() {
    const auto end = bytes_.find('\n', pos_);
    if (end == std::string::npos) fail("the pickle is truncated");
    auto text = bytes_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return text;
  }
  ValuePtr string(std::uint64_t n) {
    if (n > bytes_.size() - pos_) fail("the pickle is truncated");
    auto v = make(Value::Kind::String);
    v->text = bytes_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  static ValuePtr boolean(bool b) {
    auto v = make(Value::Kind::Bool);
    v->boolean = b;
    return v;
  }
  static ValuePtr integer(std::int64_t i) {
    auto v = make(Value::Kind::Int);
    v->integer = i;
    return v;
  }
  static ValuePtr tuple(List items) {
    auto v = make(Value::Kind::Tuple);
    v->items = std::move(items);
    return v;
  }

  void push(ValuePtr v) { stack_.push_back(std::move(v)); }
  ValuePtr top() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() == marks_.back())) fail("the pickle's stack is empty");
    return stack_.back();
  }
  ValuePtr pop() {
    auto v = top();
    stack_.pop_back();
    return v;
  }
  List popN(std::size_t n) {
    List items(n);
    for (std::size_t i = n; i-- > 0;) items[i] = pop();
    return items;
  }
  List popMark() {
    if (marks_.empty()) fail("the pickle closes a MARK it never opened");
    const auto mark = marks_.back();
    marks_.pop_back();
    List items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  ValuePtr listTop() {
    auto v = top();
    if (v->kind != Value::Kind::List) fail("APPEND to something other than a list");
    return v;
  }
  ValuePtr dictTop() {
    auto v = top();
    if (v->kind != Value::Kind::Dict) fail("SETITEM on something other than a dict");
    return v;
  }
  void memoPut(std::uint64_t index) {
    // The memo never needs more slots than the pickle has bytes.
    if (index > bytes_.size()) fail("memo index " + std::to_string(index) + " out of range");
    memo_[index] = top();
  }
  ValuePtr memoGet(std::uint64_t index) {
    auto found = memo_.find(index);
    if (found == memo_.end()) fail("memo index " + std::to_string(index) + " was never stored");
    return found->second;
  }

  ValuePtr global(const std::string& module, const std::string& name) {
    auto v = make(Value::Kind::Global);
    v->text = module + "." + name;
    if (module == "collections" && name == "OrderedDict") {
      v->global = Global::OrderedDict;
    } else if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
      v->global = Global::RebuildTensor;
    } else if (module == "torch._utils" && name == "_rebuild_parameter") {
      v->global = Global::RebuildParameter;
    } else if (module == "torch" && storageTypes().count(name)) {
      v->global = Global::StorageType;
      v->storageDtype = storageTypes().at(name);
    } else {
      fail("refused to load '" + v->text +
           "': only tensors, dicts, lists and plain values are read from a state_dict, and this class is none "
           "of them (a file that needs it is not a plain state_dict, or it was crafted to run code)");
    }
    return v;
  }

  // ('storage', <storage type>, key, location, numel), as torch.save writes it.
  ValuePtr persistentLoad(const ValuePtr& id) {
    const auto& f = id->items;
    if (id->kind != Value::Kind::Tuple || f.size() != 5 || f[0]->kind != Value::Kind::String ||
        f[0]->text != "storage" || f[1]->kind != Value::Kind::Global || f[1]->global != Global::StorageType ||
        f[2]->kind != Value::Kind::String || f[4]->kind != Value::Kind::Int || f[4]->integer < 0)
      fail("a persistent id that is not a ('storage', type, key, location, numel) tuple");
    auto v = make(Value::Kind::Storage);
    v->storage = {f[2]->text, f[1]->storageDtype, f[4]->integer};
    return v;
  }

  ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args) {
    if (callable->kind != Value::Kind::Global || args->kind != Value::Kind::Tuple)
      fail("REDUCE of something that is not an allowed global");
    switch (callable->global) {
      case Global::OrderedDict:
        if (!args->items.empty()) fail("OrderedDict with constructor arguments");
        return make(Value::Kind::Dict);
      case Global::RebuildTensor:
        return rebuildTensor(args->items);
      case Global::RebuildParameter: {
        // (data, requires_grad, backward_hooks): the tensor itself.
        if (args->items.empty() || args->items[0]->kind != Value::Kind::Tensor)
          fail("_rebuild_parameter without a tensor");
        return args->items[0];
      }
      case Global::StorageType:
        break;
    }
    fail("'" + callable->text + "' called directly; only torch.save's own reconstructions are allowed");
  }

  std::vector<std::int64_t> intTuple(const ValuePtr& v, const char* what) {
    if (v->kind != Value::Kind::Tuple) fail(std::string("a tensor's ") + what + " is not a tuple");
    std::vector<std::int64_t> out;
    for (const auto& item : v->items) {
      if (item->kind != Value::Kind::Int || item->integer < 0)
        fail(std::string("a tensor's ") + what + " holds something other than a non-negative integer");
      out.push_back(item->integer);
    }
    return out;
  }

  // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  ValuePtr rebuildTensor(const List& a) {
    if (a.size() < 4 || a[0]->kind != Value::Kind::Storage || a[1]->kind != Value::Kind::Int || a[1]->integer < 0)
      fail("_rebuild_tensor_v2 with arguments other than (storage, offset, size, stride, ...)");
    const auto& storage = a[0]->storage;
    const auto sizes = intTuple(a[2], "size");
    const auto strides = intTuple(a[3], "stride");
    if (sizes.size() != strides.size()) fail("a tensor whose size and stride differ in length");
    // The last element the view touches must lie inside the storage.
    std::int64_t extent = a[1]->integer;
    bool empty = false;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] == 0) empty = true;
      if (sizes[i] > (std::int64_t{1} << 40) || strides[i] > (std::int64_t{1} << 40))
        fail("a tensor dimension beyond any real model");
      extent += (sizes[i] - 1) * strides[i];
    }
    if (!empty && extent >= storage.numel)
      fail("a tensor view reaches element " + std::to_string(extent) + " of a storage of " +
           std::to_string(storage.numel));
    auto v = make(Value::Kind::Tensor);
    v->tensor = torch::as_strided(storageTensor(storage), sizes, strides, a[1]->integer).contiguous();
    return v;
  }

  torch::Tensor storageTensor(const StorageRef& ref) {
    auto found = storages_.find(ref.key);
    if (found != storages_.end()) return found->second;
    const std::string record = "data/" + ref.key;
    if (!archive_.hasRecord(record)) fail("the archive has no record '" + record + "' for a tensor's storage");
    const auto elementSize = static_cast<std::uint64_t>(c10::elementSize(ref.dtype));
    auto [data, size] = archive_.getRecord(record);
    if (static_cast<std::uint64_t>(ref.numel) > size / elementSize)
      fail("record '" + record + "' holds " + std::to_string(size) + " bytes, fewer than " + std::to_string(ref.numel) +
           " elements of " + std::to_string(elementSize) + " bytes");
    auto tensor = torch::empty({ref.numel}, torch::TensorOptions().dtype(ref.dtype));
    if (ref.numel > 0) std::memcpy(tensor.data_ptr(), data.get(), ref.numel * elementSize);
    storages_.emplace(ref.key, tensor);
    return tensor;
  }

  std::string path_;
  const std::string& bytes_;
  caffe2::serialize::PyTorchStreamReader& archive_;
  std::size_t pos_ = 0;
  std::size_t opcodeAt_ = 0;
  std::vector<ValuePtr> stack_;
  std::vector<std::size_t> marks_;
  std::map<std::uint64_t, ValuePtr> memo_;
  std::map<std::string, torch::Tensor> storages_;
};

std::string keyText(const ValuePtr& key) {
  switch (key->kind) {
    case Value::Kind::String:
      return key->text;
    case Value::Kind::Int:
      return std::to_string(key->integer);
    default:
      return "?";
  }
}

// Walks the object depth-first, naming every tensor by its path. Depth and
// visits are bounded: through the memo a pickle can nest a container in
// itself, or share one so often that a walk would never end.
void collectTensors(const std::string& path, const ValuePtr& value, const std::string& prefix, int depth,
                    std::size_t& visits, NamedTensors& out) {
  if (depth > 64) throw CheckpointError(path + ": containers nested more than 64 deep; not a state_dict");
  if (++visits > 10'000'000) throw CheckpointError(path + ": more than 10 million values; not a state_dict");
  const auto name = [&](const std::string& key) { return prefix.empty() ? key : prefix + "." + key; };
  switch (value->kind) {
    case Value::Kind::Tensor:
      out.emplace_back(prefix, value->tensor);
      break;
    case Value::Kind::Dict:
      for (const auto& [key, item] : value->entries)
        collectTensors(path, item, name(keyText(key)), depth + 1, visits, out);
      break;
    case Value::Kind::List:
    case Value::Kind::Tuple:
      for (std::size_t i = 0; i < value->items.size(); ++i)
        collectTensors(path, value->items[i], name(std::to_string(i)), depth + 1, visits, out);
      break;
    default:
      break;
  }
}

bool startsWith(const std::string& path, const char* magic, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string head(n, '\0');
  return in.read(head.data(), static_cast<std::streamsize>(n)) && head == std::string(magic, n);
}

}  // namespace

NamedTensors readPyTorchStateDict(const std::string& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw CheckpointError(path + ": cannot be opened");
  }
  if (!isZipArchive(path)) {
    if (startsWith(path, "\x80\x02\x8a\x0a", 4))
      throw CheckpointError(path +
                            ": saved by torch.save in the format before PyTorch 1.6 (_use_new_zipfile_"
                            "serialization=False); load and save it again with a newer PyTorch");
    throw CheckpointError(path + ": not a PyTorch file (torch.save writes a zip archive)");
  }
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> archive;
  std::string pickle;
  try {
    archive = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
    if (archive->hasRecord("byteorder")) {
      auto [data, size] = archive->getRecord("byteorder");
      if (std::string(static_cast<const char*>(data.get()), size) != "little")
        throw CheckpointError(path + ": saved on a big-endian machine; not supported");
    }
    if (!archive->hasRecord("data.pkl"))
      throw CheckpointError(path + ": a zip archive without data.pkl; not written by torch.save");
    auto [data, size] = archive->getRecord("data.pkl");
    pickle.assign(static_cast<const char*>(data.get()), size);
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": not readable (truncated or corrupt?): " + firstLine(e.what()));
  }
  try {
    auto root = Unpickler(path, pickle, *archive).run();
    NamedTensors tensors;
    std::size_t visits = 0;
    collectTensors(path, root, "", 0, visits, tensors);
    return tensors;
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": not readable (truncated or corrupt?): " + firstLine(e.what()));
  }
}

bool isPyTorchSaveArchive(const std::string& path) {
  if (!isZipArchive(path)) return false;
  try {
    caffe2::serialize::PyTorchStreamReader archive(path);
    return archive.hasRecord("data.pkl") && !archive.hasRecord("constants.pkl");
  } catch (const c10::Error&) {
    return false;
  }
}

}  // namespace recdiff::train
