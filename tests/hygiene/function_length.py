"""Fails when a function in the given directories has a body of more than LIMIT lines.

Usage: function_length.py LIMIT DIR [DIR...]

The README promises that no function in mock-server/src/ is over about 80 lines: a longer one is
the sign to split it. This reads C++ without compiling it: comments, strings and character
literals are blanked, and a brace opens a function body when the code before it ends in a
parameter list (with its qualifiers, trailing return type or member initializers), outside any
other function body. Lambdas count as part of the function they are in.
"""
import os
import re
import sys

BLANK = re.compile(r'//[^\n]*|/\*.*?\*/|R"(\w*)\((?:.|\n)*?\)\1"|"(?:\\.|[^"\\\n])*"|'
                   r"'(?:\\.|[^'\\\n])*'", re.S)
# What may stand between a parameter list's ')' and the body's '{'.
HEAD = re.compile(r'\)\s*(?:const|noexcept|override|final|mutable|&|&&|\s)*'
                  r'(?:->\s*[\w:<>,\s*&]+)?\s*(?::\s*(?:[\w:]+\s*[({][^;{}]*[)}]\s*,?\s*)+)?$')


def blank(match):
    return re.sub(r'[^\n]', ' ', match.group(0))


def functions(text):
    """(name line, first line, last line) of each function body in `text`."""
    code = BLANK.sub(blank, text)
    code = re.sub(r'^[ \t]*#[^\n]*', lambda m: ' ' * len(m.group(0)), code, flags=re.M)
    stack = []  # per open brace: True for a function body
    start = 0   # where the code before the next brace begins
    for at, char in enumerate(code):
        if char == '{':
            before = code[start:at]
            inside = any(stack)
            body = not inside and HEAD.search(before.rstrip()) is not None and \
                not re.search(r'=\s*$', before.rstrip())
            stack.append(body)
            if body:
                yield_line = code.count('\n', 0, at) + 1
                stack[-1] = yield_line
            start = at + 1
        elif char == '}':
            if stack:
                opened = stack.pop()
                if opened not in (False, True) and not any(stack):
                    yield opened, code.count('\n', 0, at) + 1
            start = at + 1
        elif char == ';':
            start = at + 1


def main(limit, directories):
    problems = []
    count = 0
    for directory in directories:
        for root, _, names in os.walk(directory):
            for name in sorted(names):
                if not name.endswith(('.cc', '.h')):
                    continue
                path = os.path.join(root, name)
                for first, last in functions(open(path, encoding='utf-8').read()):
                    count += 1
                    if last - first + 1 > limit:
                        problems.append(f"{path}:{first}: a function of {last - first + 1} lines "
                                        f"(at most {limit})")
    for problem in problems:
        print(problem)
    print(f"function_length: {count} functions, {len(problems)} over {limit} lines")
    return 1 if problems or count == 0 else 0


if __name__ == '__main__':
    sys.exit(main(int(sys.argv[1]), sys.argv[2:]))
