from agentsft.novelty.lexical import content_diff, content_units, jaccard, shingles


def differs(a, b, lang):
    return content_diff(content_units(a), content_units(b), lang).differs


def test_zh_template_clones_differ():
    assert differs("请写一首关于春天的诗", "请写一首关于秋天的诗", "zh")
    assert differs("列出三种常见的水果", "列出五种常见的水果", "zh")
    assert differs("把这句话翻译成英文", "把这句话翻译成法语", "zh")


def test_zh_reworded_copies_do_not_differ():
    assert not differs("写一首关于春天的诗", "请以春天为主题创作一首诗歌", "zh")
    assert not differs("写一首关于春天的诗", "帮我写首和春天有关的小诗", "zh")
    assert not differs("列出三种常见的水果", "请列举3种常见水果", "zh")


def test_en_clones_and_copies():
    assert differs("Translate the sentence into French.", "Translate the sentence into German.", "en")
    assert differs("List 3 tips for sleep.", "List 5 tips for sleep.", "en")
    assert not differs("Give me three tips for staying healthy.", "What are 3 ways to stay healthy?", "en")


def test_shingles_cover_cjk_and_words():
    zh = shingles("请写一首关于春天的诗")
    assert "春天" in zh and "关于" in zh
    en = shingles("Write a poem about spring")
    assert "poem" in en and "poem about" in en
    assert jaccard(shingles("请写一首关于春天的诗"), shingles("请写一首关于春天的诗。")) == 1.0
