"""Children by local name, whatever the namespace, comments left out."""

from lxml import etree

from email_privacy.metadata import xmltree

DOC = b'<r xmlns="urn:a" xmlns:b="urn:b"><!-- c --><x> one </x><b:x>two</b:x><y/><?pi?><z><x>deep</x></z></r>'


def test_children_and_texts():
    root = etree.fromstring(DOC)
    assert [xmltree.local(c) for c in root] == ["", "x", "x", "y", "", "z"]
    assert [c.text for c in xmltree.children(root, "x")] == [" one ", "two"]
    assert xmltree.child_text(root, "x") == "one"
    assert xmltree.child_text(root, "y") == "" and xmltree.child_text(root, "w") == ""
    assert xmltree.child_texts(root) == {"x": "two", "y": "", "z": ""}
    assert [e.text for e in xmltree.descendants(root, "x")] == [" one ", "two", "deep"]


def test_root_of_and_copy_tree():
    tree = etree.ElementTree(etree.fromstring(DOC))
    assert xmltree.root_of(tree) is tree.getroot() and xmltree.root_of(tree.getroot()) is tree.getroot()
    for source in (tree, tree.getroot()):
        copied = xmltree.copy_tree(source)
        assert isinstance(copied, etree._ElementTree) and copied.getroot() is not tree.getroot()
        assert etree.tostring(copied) == etree.tostring(tree)


def test_new_element_takes_the_parents_namespace_and_prefix():
    root = etree.fromstring(b'<md:r xmlns:md="urn:a"><md:x/></md:r>')
    el = xmltree.new_element(root, "y")
    assert el.tag == "{urn:a}y" and el.getparent() is None
    root.append(el)
    assert etree.tostring(root) == b'<md:r xmlns:md="urn:a"><md:x/><md:y/></md:r>'
    plain = etree.fromstring(b"<r/>")
    assert xmltree.new_element(plain, "y").tag == "y"
