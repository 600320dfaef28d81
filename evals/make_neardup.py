"""Build the labelled near-duplicate sets evals/data/neardup_{zh,en}.jsonl (deterministic, seed 13).

Each family is one task written several ways by hand (the frames: rewordings a model produces when it copies a
demonstration) and a slot (topic, number, target language, entity, programming language...).

* positive (label 1, kind "reworded"): two different frames, same slot value: the same task reworded;
* positive (label 1, kind "light_edit"): one frame, same slot value, with a politeness prefix / a closing word / a
  punctuation change on one side: the copy-with-small-edits a generator produces (so that "same frame" alone does
  not mean "negative" in this set);
* hard negative (label 0, kind "same_frame"): one frame, two slot values: a template clone asking for something else;
* hard negative (label 0, kind "cross_frame"): two frames *and* two slot values.

Run: python -m evals.make_neardup
"""

from __future__ import annotations

import json
import random
from pathlib import Path

ZH = [
    (["写一首关于{x}的诗", "请以{x}为主题创作一首诗歌", "帮我写首和{x}有关的小诗", "创作一首描写{x}的现代诗"],
     ["春天", "秋天", "大海", "故乡", "母亲", "月亮"]),
    (["把下面这句话翻译成{x}：今天天气很好。", "请将“今天天气很好”译成{x}。", "“今天天气很好”这句话用{x}怎么说？",
      "帮我把“今天天气很好”翻译为{x}"], ["英语", "法语", "日语", "德语", "西班牙语"]),
    (["列出{x}个提高睡眠质量的方法", "请给出{x}条改善睡眠质量的建议", "有哪{x}个办法可以让睡眠质量变好？",
      "推荐{x}个能提升睡眠质量的小技巧"], ["三", "五", "七", "十", "两"]),
    (["用Python写一个函数，判断一个数是不是{x}", "请用Python实现一个判断某个整数是否为{x}的函数",
      "写一段Python代码，检查输入的数是否是{x}", "编写Python函数：输入一个整数，返回它是不是{x}"],
     ["质数", "偶数", "完全数", "回文数", "完全平方数"]),
    (["为什么{x}？", "请解释一下为什么{x}", "{x}的原因是什么？", "能不能说明一下{x}的原因"],
     ["天空是蓝色的", "海水是咸的", "冬天会下雪", "树叶在秋天变黄", "人会做梦"]),
    (["简要介绍一下{x}的生平", "请简单讲讲{x}的一生", "概括{x}的主要生平经历", "用几句话介绍{x}这个人"],
     ["李白", "苏轼", "孔子", "鲁迅", "居里夫人", "爱因斯坦"]),
    (["总结一下{x}的主要内容", "请概括{x}这本书讲了什么", "用一段话归纳{x}的主要情节", "简述{x}的故事梗概"],
     ["《红楼梦》", "《西游记》", "《三国演义》", "《水浒传》", "《围城》"]),
    (["{x}和猫相比有什么不同？", "猫和{x}的区别有哪些？", "请比较一下{x}与猫的差异", "说说{x}跟猫有哪些不同之处"],
     ["狗", "兔子", "老虎", "狐狸", "仓鼠"]),
    (["给我推荐几本关于{x}的入门书", "有哪些适合初学者的{x}书籍？", "请推荐一些{x}方面的入门读物",
      "想学{x}，有什么入门的书可以推荐吗？"], ["经济学", "心理学", "天文学", "哲学", "摄影", "编程"]),
    (["计算{x}的阶乘", "请求出{x}的阶乘是多少", "{x}的阶乘等于多少？", "帮我算一下{x}的阶乘"],
     ["5", "6", "8", "10", "12"]),
    (["写一封向{x}请假的邮件", "帮我起草一封给{x}的请假邮件", "请撰写一封发给{x}的请假信", "以请假为目的给{x}写封邮件"],
     ["老师", "经理", "导师", "班主任", "客户"]),
    (["如何在家里种植{x}？", "在家种{x}应该怎么做？", "请介绍一下家庭种植{x}的方法", "在家里养{x}有哪些步骤？"],
     ["番茄", "草莓", "薄荷", "多肉", "辣椒", "绿萝"]),
    (["判断下面这条评论的情感是正面还是负面：“{x}”", "这条评论“{x}”表达的是正面还是负面情绪？",
      "请对评论“{x}”做情感分类（正面/负面）", "分析“{x}”这句评价的情感倾向"],
     ["这家店的菜太难吃了", "快递很快，包装也很好", "客服态度非常差", "性价比超高，推荐购买", "用了两天就坏了"]),
    (["以{x}的身份和我对话", "请你扮演一名{x}和我聊天", "假设你是{x}，跟我进行一段对话", "现在你是一位{x}，请与我交流"],
     ["医生", "律师", "导游", "面试官", "心理咨询师"]),
    (["{x}有哪些好处？", "请列举{x}的优点", "说说{x}对身体有什么益处", "{x}的好处都有哪些？"],
     ["跑步", "游泳", "喝绿茶", "早睡早起", "冥想", "骑自行车"]),
    (["解释一下什么是{x}", "{x}是什么意思？", "请通俗地说明{x}这个概念", "能不能用简单的话讲讲{x}是什么"],
     ["通货膨胀", "区块链", "光合作用", "机器学习", "量子纠缠", "边际效应"]),
    (["把这段话改写得更{x}一些：我们明天开会。", "请将“我们明天开会”改写得更{x}", "把“我们明天开会”这句话润色得{x}一点",
      "用更{x}的语气重写：我们明天开会。"], ["正式", "口语化", "礼貌", "幽默", "简洁"]),
    (["一个长方形的长是{x}厘米，宽是4厘米，求它的面积", "长方形长{x}厘米、宽4厘米，面积是多少？",
      "已知长方形的长为{x}厘米，宽为4厘米，计算面积", "请算出长{x}厘米宽4厘米的长方形的面积"],
     ["6", "8", "9", "12", "15"]),
    (["给{x}写一段生日祝福语", "请帮我写几句祝{x}生日快乐的话", "为{x}创作一段生日祝福", "想给{x}送上生日祝福，帮我写一段"],
     ["妈妈", "爸爸", "好朋友", "老师", "同事", "女朋友"]),
    (["{x}的首都是哪里？", "请问{x}的首都是哪个城市？", "哪座城市是{x}的首都？", "告诉我{x}的首都"],
     ["法国", "日本", "澳大利亚", "巴西", "加拿大", "埃及"]),
    (["制定一份为期一周的{x}计划", "帮我安排一个一周的{x}计划", "请设计一周的{x}安排", "给我做一个七天的{x}计划表"],
     ["健身", "减脂", "学习英语", "阅读", "复习考试"]),
    (["用SQL查询{x}最高的前10名员工", "写一条SQL语句，找出{x}排名前十的员工", "请给出查询{x}前10的员工的SQL",
      "如何用SQL选出{x}最高的十个员工？"], ["工资", "年龄", "绩效", "工龄", "奖金"]),
    (["写一个关于{x}的睡前故事", "请讲一个以{x}为主角的睡前小故事", "给孩子编一个{x}的睡前故事", "创作一个讲{x}的儿童睡前故事"],
     ["小兔子", "小熊", "恐龙", "小星星", "机器人", "小鱼"]),
    (["{x}应该怎么预防？", "如何预防{x}？", "请说说预防{x}的方法", "有哪些办法可以预防{x}？"],
     ["感冒", "近视", "高血压", "龋齿", "中暑", "失眠"]),
    (["为{x}写一段广告语", "请给{x}想一句宣传口号", "帮{x}创作一条广告词", "替{x}拟一句吸引人的广告语"],
     ["一款运动鞋", "一家咖啡店", "一款手机", "一家书店", "一款矿泉水"]),
    (["描述一下{x}的风景", "请描写{x}的景色", "用优美的语言写写{x}的风光", "写一段文字描绘{x}的美景"],
     ["西湖", "黄山", "桂林山水", "九寨沟", "长城", "洱海"]),
    (["从{x}到北京坐高铁大约要多久？", "坐高铁从{x}去北京要几个小时？", "{x}到北京的高铁需要多长时间？",
      "请问乘高铁从{x}到北京要花多少时间？"], ["上海", "广州", "西安", "武汉", "南京"]),
    (["写一篇关于{x}的议论文提纲", "请为以{x}为题的议论文列一个提纲", "帮我拟一份议论文大纲，题目是{x}",
      "给一篇讨论{x}的议论文写提纲"], ["诚信", "坚持", "合作", "创新", "责任"]),
]

EN = [
    (["Write a poem about {x}.", "Compose a short poem on the theme of {x}.", "Can you write me a little poem about {x}?",
      "Create a poem that describes {x}."], ["spring", "autumn", "the ocean", "home", "friendship", "the moon"]),
    (["Translate 'The weather is nice today' into {x}.", "How do you say 'The weather is nice today' in {x}?",
      "Please render the sentence 'The weather is nice today' in {x}.", "Give me the {x} translation of 'The weather is nice today'."],
     ["French", "German", "Spanish", "Japanese", "Italian"]),
    (["List {x} ways to improve sleep quality.", "Give me {x} tips for sleeping better.",
      "What are {x} things I can do to improve my sleep?", "Suggest {x} methods for getting better sleep."],
     ["three", "five", "seven", "ten", "two"]),
    (["Write a Python function that checks whether a number is {x}.", "Implement a Python function to test if an integer is {x}.",
      "Create a Python function that returns True if the input number is {x}.", "In Python, write code to determine whether a given number is {x}."],
     ["prime", "even", "a perfect square", "a palindrome", "a power of two"]),
    (["Why is {x}?", "Explain why {x}.", "What is the reason {x}?", "Can you tell me why {x}?"],
     ["the sky blue", "sea water salty", "ice slippery", "the sun hot", "grass green"]),
    (["Give a brief biography of {x}.", "Summarize the life of {x} in a few sentences.", "Tell me briefly about the life of {x}.",
      "Write a short overview of {x}'s life."], ["Albert Einstein", "Marie Curie", "Abraham Lincoln", "Isaac Newton", "Frida Kahlo"]),
    (["Summarize the plot of {x}.", "Give a short summary of the story of {x}.", "What happens in {x}? Summarize briefly.",
      "Outline the main plot of {x}."], ["Hamlet", "Moby-Dick", "Pride and Prejudice", "The Great Gatsby", "Macbeth"]),
    (["What is the difference between a {x} and a cat?", "How does a {x} differ from a cat?", "Compare a {x} with a cat.",
      "Explain the differences between {x}s and cats."], ["dog", "rabbit", "tiger", "fox", "hamster"]),
    (["Recommend some beginner books on {x}.", "What are good introductory books about {x}?",
      "Suggest a few books for someone starting to learn {x}.", "Which books would you recommend to a beginner in {x}?"],
     ["economics", "psychology", "astronomy", "philosophy", "photography"]),
    (["Calculate the factorial of {x}.", "What is {x} factorial?", "Compute {x}!.", "Find the value of the factorial of {x}."],
     ["5", "6", "8", "10", "12"]),
    (["Write an email to my {x} asking for a day off.", "Draft an email requesting a day of leave from my {x}.",
      "Help me write a leave request email to my {x}.", "Compose a message to my {x} to ask for one day off."],
     ["manager", "teacher", "professor", "client", "team lead"]),
    (["How do I grow {x} at home?", "What is the best way to grow {x} indoors at home?", "Explain how to grow {x} at home.",
      "Give me steps for growing {x} at home."], ["tomatoes", "strawberries", "mint", "basil", "chili peppers"]),
    (["Classify the sentiment of this review as positive or negative: \"{x}\"", "Is the following review positive or negative? \"{x}\"",
      "Determine whether the review \"{x}\" expresses positive or negative sentiment.", "Label the sentiment (positive/negative) of: \"{x}\""],
     ["The food was terrible.", "Fast delivery and great packaging.", "The staff were rude.", "Great value, highly recommended.",
      "It broke after two days."]),
    (["Pretend you are a {x} and chat with me.", "Act as a {x} and have a conversation with me.",
      "Role-play as a {x} talking to me.", "You are a {x} now; talk with me."], ["doctor", "lawyer", "tour guide", "job interviewer", "therapist"]),
    (["What are the benefits of {x}?", "List the advantages of {x}.", "How is {x} good for your health?", "Why is {x} beneficial?"],
     ["running", "swimming", "drinking green tea", "meditation", "cycling"]),
    (["Explain what {x} is.", "What does {x} mean?", "Describe the concept of {x} in simple terms.", "Can you explain {x} to me simply?"],
     ["inflation", "blockchain", "photosynthesis", "machine learning", "quantum entanglement"]),
    (["Rewrite this sentence to sound more {x}: We have a meeting tomorrow.", "Make 'We have a meeting tomorrow' more {x}.",
      "Rephrase 'We have a meeting tomorrow' in a more {x} tone.", "Paraphrase the sentence 'We have a meeting tomorrow' so it is more {x}."],
     ["formal", "casual", "polite", "humorous", "concise"]),
    (["A rectangle is {x} cm long and 4 cm wide. What is its area?", "Find the area of a rectangle with length {x} cm and width 4 cm.",
      "Calculate the area of a {x} cm by 4 cm rectangle.", "What is the area of a rectangle measuring {x} cm by 4 cm?"],
     ["6", "8", "9", "12", "15"]),
    (["Write a birthday message for my {x}.", "Help me write a happy birthday note to my {x}.", "Compose a birthday greeting for my {x}.",
      "Create a short birthday wish for my {x}."], ["mom", "dad", "best friend", "teacher", "coworker"]),
    (["What is the capital of {x}?", "Which city is the capital of {x}?", "Tell me the capital city of {x}.", "Name the capital of {x}."],
     ["France", "Japan", "Australia", "Brazil", "Canada", "Egypt"]),
    (["Create a one-week {x} plan.", "Make me a 7-day {x} plan.", "Design a {x} schedule for one week.", "Plan a week of {x} for me."],
     ["workout", "meal", "study", "reading", "weight loss"]),
    (["Write a SQL query to find the top 10 employees by {x}.", "Give me SQL that returns the ten employees with the highest {x}.",
      "How do I select the 10 highest-{x} employees with SQL?", "Write SQL to list the top ten employees ranked by {x}."],
     ["salary", "age", "performance score", "tenure", "bonus"]),
    (["Tell a bedtime story about a {x}.", "Write a short bedtime story starring a {x}.", "Create a bedtime story for kids about a {x}.",
      "Make up a bedtime tale featuring a {x}."], ["little rabbit", "bear", "dinosaur", "star", "robot"]),
    (["How can I prevent {x}?", "What are ways to prevent {x}?", "Give advice on preventing {x}.", "What should I do to avoid {x}?"],
     ["colds", "myopia", "high blood pressure", "tooth decay", "insomnia"]),
    (["Write a slogan for {x}.", "Come up with a catchy tagline for {x}.", "Create an advertising slogan for {x}.", "Suggest a marketing slogan for {x}."],
     ["a running shoe", "a coffee shop", "a smartphone", "a bookstore", "a bottled water brand"]),
    (["Describe the scenery of {x}.", "Write a description of the landscape at {x}.", "Paint a picture in words of {x}'s scenery.",
      "What does the scenery at {x} look like? Describe it."], ["the Grand Canyon", "Yosemite", "the Swiss Alps", "Lake Tahoe", "the Sahara"]),
    (["How long does the train take from {x} to London?", "What is the train travel time between {x} and London?",
      "How many hours is the train ride from {x} to London?", "By train, how long is the trip from {x} to London?"],
     ["Paris", "Edinburgh", "Manchester", "Brussels", "Bristol"]),
    (["Write an essay outline on {x}.", "Create an outline for an argumentative essay about {x}.",
      "Draft the structure of an essay discussing {x}.", "Give me an essay plan on the topic of {x}."],
     ["honesty", "perseverance", "teamwork", "innovation", "responsibility"]),
]


LIGHT_EDITS = {
    "zh": [("请", ""), ("麻烦", ""), ("", "，谢谢"), ("", "。"), ("帮个忙：", ""), ("", "（简要一点）"), ("你好，", "")],
    "en": [("Please ", ""), ("", " Thanks!"), ("Hey, ", ""), ("", " Keep it short."), ("Quick question: ", ""),
           ("", " Thank you.")],
}


def light_edit(text: str, lang: str, rng: random.Random) -> str:
    pre, post = rng.choice(LIGHT_EDITS[lang])
    if lang == "en" and pre and text[:1].isupper() and not text.startswith(("I ", "A ")):
        text = text[:1].lower() + text[1:]
    if post and lang == "zh" and text[-1:] in "。？":
        text = text[:-1]
    return pre + text + post


def make_pairs(families, lang: str, rng: random.Random, pos_per: int = 4, neg_per: int = 4,
               edit_per: int = 2) -> list[dict]:
    rows = []
    for fam_id, (frames, slots) in enumerate(families):
        seen = set()
        while sum(1 for r in rows if r["family"] == fam_id and r["label"] == 1) < pos_per:
            i, j = rng.sample(range(len(frames)), 2)
            x = rng.choice(slots)
            key = (i, j, x, x)
            if key in seen:
                continue
            seen.add(key)
            rows.append({"a": frames[i].format(x=x), "b": frames[j].format(x=x), "label": 1, "kind": "reworded",
                         "family": fam_id})
        for _ in range(edit_per):
            i = rng.randrange(len(frames))
            x = rng.choice(slots)
            a = frames[i].format(x=x)
            rows.append({"a": a, "b": light_edit(a, lang, rng), "label": 1, "kind": "light_edit", "family": fam_id})
        n = 0
        while n < neg_per:
            x, y = rng.sample(slots, 2)
            if n % 2 == 0:
                i = j = rng.randrange(len(frames))
                kind = "same_frame"
            else:
                i, j = rng.sample(range(len(frames)), 2)
                kind = "cross_frame"
            key = (i, j, x, y)
            if key in seen:
                continue
            seen.add(key)
            rows.append({"a": frames[i].format(x=x), "b": frames[j].format(x=y), "label": 0, "kind": kind,
                         "family": fam_id})
            n += 1
    for k, r in enumerate(rows):
        r["id"] = f"{lang}_{k:04d}"
        r["lang"] = lang
    return rows


def main() -> None:
    out = Path(__file__).parent / "data"
    out.mkdir(parents=True, exist_ok=True)
    for lang, fams in (("zh", ZH), ("en", EN)):
        rows = make_pairs(fams, lang, random.Random(13))
        with open(out / f"neardup_{lang}.jsonl", "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps({k: r[k] for k in ("id", "lang", "label", "kind", "family", "a", "b")},
                                    ensure_ascii=False) + "\n")
        print(lang, len(rows), "pairs,", sum(r["label"] for r in rows), "positive")


if __name__ == "__main__":
    main()
