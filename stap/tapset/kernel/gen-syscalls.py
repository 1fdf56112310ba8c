#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write stap/tapset/kernel/syscalls.stp from syscalls.tbl.

    gen-syscalls.py [TABLE [OUTPUT]]     (defaults: beside this script)
    gen-syscalls.py --check              exit 1 if syscalls.stp is stale

One line of the table is one x86-64 system call:

    NR NAME [kfunc=KFUNC] [only=6.1|6.12] [in=ALIAS] VAR=VALUE ... [| ARGSTR] [~]

NR is the ABI number (- for a call x86-64 does not have, whose alias
SystemTap defines all the same: scripts name it), NAME SystemTap's alias
name (syscall.NAME), KFUNC the kernel's sys_KFUNC when it differs from
NAME; only= marks a call one of our kernels lacks (only=none: all); in=
ALIAS puts the call under syscall.ALIAS instead of an alias of its own
(SystemTap's syscall.pipe is pipe and pipe2, name telling which: a second
definition of the alias, so that syscall.* sees each call once).  A VALUE
is a register of the call, by kind and
argument number (1-6: di, si, dx, r10, r8, r9):

    iN  int (sign-extended from 32 bits)   uN  unsigned int
    lN  long                               UN  unsigned long
    pN  pointer                            qN  user string, quoted

or {a stap expression} of the variables before it, where $iN, $uN, $lN,
$UN and $pN stand for the registers.  ARGSTR is an expression (argstr =
it) or {statements that set argstr}; without it argstr joins the
register variables with ", " as %d (i, l), %u (u, U), %p (p), %s (q).
A trailing ~ marks a call whose argstr shows in hex or as a pointer what
SystemTap decodes further (docs/tapsets.md).
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = {'i': ('_sc_int(%s)', '%d'), 'u': ('_sc_uint(%s)', '%u'),
         'l': ('_sc_arg(%s)', '%d'), 'U': ('_sc_arg(%s)', '%u'),
         'p': ('_sc_arg(%s)', '%p'),
         'q': ('user_string_quoted(_sc_arg(%s))', '%s')}
# Calls that never return to the caller: their .return is on 'never'.
NO_RETURN = {'exit', 'exit_group'}
# Results SystemTap shows in hex (return_str format 2).
HEX_RESULT = {'mmap2', 'mremap', 'brk'}


class TableError(Exception):
    pass


def reg_expr(kind, n):
    return KINDS[kind][0] % n


def expand_regs(text):
    return re.sub(r'\$([iulUp])([1-6])',
                  lambda m: reg_expr(m.group(1), m.group(2)), text)


def split_vars(text):
    """VAR=VALUE items; a {value} may hold blanks and nested braces."""
    items, i = [], 0
    while i < len(text):
        if text[i] == ' ':
            i += 1
            continue
        m = re.match(r'([A-Za-z_]\w*)=', text[i:])
        if not m:
            raise TableError('expected VAR=VALUE at "%s"' % text[i:i + 30])
        name, i = m.group(1), i + m.end()
        if text[i:i + 1] == '{':
            depth, j = 0, i
            while True:
                if j >= len(text):
                    raise TableError('unclosed { in ' + name)
                depth += {'{': 1, '}': -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            items.append((name, text[i + 1:j - 1]))
            i = j
        else:
            j = text.find(' ', i)
            j = len(text) if j < 0 else j
            items.append((name, text[i:j]))
            i = j
    return items


def split_argstr(line):
    """The line's head and its ARGSTR: the first " | " outside braces."""
    depth = 0
    for i, ch in enumerate(line):
        depth += {'{': 1, '}': -1}.get(ch, 0)
        if depth == 0 and line.startswith(' | ', i):
            return line[:i], line[i + 3:]
    return line, ''


def parse_line(line):
    approx = line.endswith(' ~')
    if approx:
        line = line[:-2]
    head, argstr = split_argstr(line)
    words = head.split(' ', 2)
    if len(words) < 2 or not (words[0].isdigit() or words[0] == '-'):
        raise TableError('expected NR NAME')
    call = {'nr': int(words[0]) if words[0] != '-' else None, 'name': words[1], 'entry': words[1],
            'only': None, 'in': words[1], 'vars': [],
            'argstr': argstr.strip(), 'approx': approx}
    rest = words[2] if len(words) > 2 else ''
    while True:
        m = re.match(r'\s*(kfunc|only|in)=(\S+)', rest)
        if not m:
            break
        call[{'kfunc': 'entry'}.get(m.group(1), m.group(1))] = m.group(2)
        rest = rest[m.end():]
    for name, value in split_vars(rest.strip()):
        m = re.fullmatch(r'([iulUpq])([1-6])', value)
        if m:
            call['vars'].append((name, reg_expr(*m.groups()),
                                 KINDS[m.group(1)][1]))
        else:
            call['vars'].append((name, expand_regs(value), None))
    return call


def read_table(path):
    calls, errors = [], []
    for no, line in enumerate(open(path), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'):
            continue
        try:
            calls.append(parse_line(line))
        except TableError as e:
            errors.append('%s:%d: %s' % (path, no, e))
    if errors:
        raise TableError('\n'.join(errors))
    return calls


def default_argstr(call):
    regs = [(n, f) for n, _, f in call['vars'] if f]
    if not regs:
        return '""'
    return 'sprintf("%s", %s)' % (', '.join(f for _, f in regs),
                                  ', '.join(n for n, _ in regs))


def argstr_stmt(call):
    a = call['argstr'] or default_argstr(call)
    if a.startswith('{') and a.endswith('}'):
        return expand_regs(a[1:-1].strip())
    return 'argstr = ' + expand_regs(a)


def check_names(call, body):
    """Every variable argstr reads must be one the line sets."""
    known = {n for n, _, _ in call['vars']} | {'argstr', 'name'}
    code = re.sub(r'"(\\.|[^"\\])*"', '""', body)
    for ident in re.findall(r'(?<![\w$@.])([A-Za-z_]\w*)(?!\w*\s*\()', code):
        if ident not in known and ident not in ('if', 'else',
                                                 'syscall_string_trunc'):
            raise TableError('%s: argstr reads "%s", which no variable'
                             ' sets' % (call['name'], ident))


def entry_body(call):
    lines = ['name = "%s"' % call['name']]
    lines += ['%s = %s' % (n, e) for n, e, _ in call['vars']]
    stmt = argstr_stmt(call)
    check_names(call, stmt)
    lines.append(stmt)
    return '\n\t'.join(lines)


def aliases(call):
    n, fn = call['name'], '__x64_sys_' + call['entry']
    a = call['in']
    fmt = 2 if n in HEX_RESULT else 1
    # kernel.function takes the wrapper through BTF or DWARF; where
    # neither has it (SYSCALL_DEFINE0's wrappers are aliases), the kprobe
    # on its symbol serves: '!' stops at the first that resolves.
    dw = 'kernel.function("%s") !, kprobe.function("%s") ?' % (fn, fn)
    nd = 'kprobe.function("%s") ?' % fn
    ret = ('{\n\tname = "%s"; retval = _sc_retval();'
           ' retstr = return_str(%d, retval)\n}' % (n, fmt))
    out = ['# %s: %s%s%s' % (n, call['nr'] if call['nr'] is not None
                              else 'no x86-64 number',
                              ', only on ' + call['only'] if call['only']
                              else '',
                              ', under syscall.' + a if a != n else ''),
           '@define _SC_%s %%(\n\t%s\n%%)' % (n, entry_body(call)),
           'probe syscall.%s = %s { @_SC_%s }' % (a, dw, n),
           'probe nd_syscall.%s = %s { @_SC_%s }' % (a, nd, n)]
    if n in NO_RETURN:
        # On 'never', as SystemTap: syscall.*.return then finds an alias
        # that sets retstr instead of syscall.exit with a .return suffix.
        never = ('{\n\tname = "%s"; retval = 0;'
                 ' retstr = return_str(1, retval)\n}' % n)
        out += ['probe syscall.%s.return = never\n%s' % (a, never),
                'probe nd_syscall.%s.return = never\n%s' % (a, never)]
    else:
        out += ['probe syscall.%s.return = %s\n%s'
                % (a, dw.replace('")', '").return'), ret),
                'probe nd_syscall.%s.return = %s\n%s'
                % (a, nd.replace('")', '").return'), ret)]
    return '\n'.join(out) + '\n'


def names_function(calls):
    by_nr = sorted((c for c in calls if c['nr'] is not None),
                   key=lambda c: c['nr'])
    top = by_nr[-1]['nr'] + 1
    rows = ''.join('\t[%d] = "%s",\n' % (c['nr'], c['name']) for c in by_nr)
    return ('%%{\nstatic const char *const sc_names[%d] = {\n%s};\n%%}\n\n'
            '/** syscall_name - the name of system call NUM, "" if none */\n'
            'function syscall_name:string(num:long) %%{ /* pure */'
            ' /* unprivileged */\n'
            '\tif (STAP_ARG_num >= 0 && STAP_ARG_num < %d &&'
            ' sc_names[STAP_ARG_num])\n'
            '\t\tstp_strlcpy(STAP_RETVALUE, sc_names[STAP_ARG_num],'
            ' MAXSTRINGLEN);\n%%}\n' % (top, rows, top))


def generate(calls):
    head = ('// SPDX-License-Identifier: GPL-2.0-or-later\n'
            '// GENERATED by gen-syscalls.py from syscalls.tbl: edit those.\n'
            '// syscall.NAME and nd_syscall.NAME (and .return) for each'
            ' x86-64 system call;\n// the helpers are in'
            ' syscalls-aux.stp, docs/tapsets.md says what is what.\n\n')
    seen = set()
    for c in calls:
        if c['name'] in seen:
            raise TableError('%s twice' % c['name'])
        seen.add(c['name'])
    for c in calls:
        if c['in'] not in seen:
            raise TableError('%s: in=%s, which is no call of the table'
                             % (c['name'], c['in']))
    texts, errors = [], []
    for c in calls:
        try:
            texts.append(aliases(c))
        except TableError as e:
            errors.append(str(e))
    if errors:
        raise TableError('\n'.join(errors))
    return head + names_function(calls) + '\n' + '\n'.join(texts)


def main(argv):
    check = '--check' in argv
    args = [a for a in argv if a != '--check']
    table = args[0] if args else os.path.join(HERE, 'syscalls.tbl')
    output = args[1] if len(args) > 1 else os.path.join(HERE, 'syscalls.stp')
    try:
        text = generate(read_table(table))
    except TableError as e:
        sys.stderr.write('gen-syscalls: %s\n' % e)
        return 2
    if check:
        old = open(output).read() if os.path.exists(output) else ''
        if old != text:
            sys.stderr.write('gen-syscalls: %s is not what %s generates\n'
                             % (output, table))
            return 1
        return 0
    with open(output + '.tmp', 'w') as f:
        f.write(text)
    os.rename(output + '.tmp', output)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
