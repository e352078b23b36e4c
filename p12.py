import sys
from compiler.content import load_brief
from compiler.doctypes import document_type
from compiler.render import render_html
from compiler.document import BuildOptions
b = load_brief(sys.argv[1])
d = render_html(b, document_type("slides"), BuildOptions())
for s in d.slides:
    if s.layout == "figures":
        print(s.number, s.columns, s.size, [(len(str(f["value"])), len(str(f["label"]))) for f in s.items])
print([(len(str(f["value"])), len(f["label"])) for f in b.data["figures"]])
