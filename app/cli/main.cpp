#include "core/core_version.h"
#include <iostream>
int main() { std::cout << recdiff::buildInfo().torchVersion << "\n"; }
