"""Hand-written good rows of the labelled set (see make_labelled.py): near misses of each check.
Each (lang, instruction, input, output, "keep", task_type)."""

J = "```"
GOOD = [
    # near misses of refusal: hedges that help anyway, "cannot" in content
    ("zh", "秦始皇具体是哪一天出生的？", "", "我不能确定具体日期，但据《史记》记载，秦始皇生于公元前259年正月，出生在赵国邯郸，因此得名“政”。史书没有留下更精确的日子，现代学者一般只写到年份和月份。", "keep", "qa"),
    ("zh", "为什么不能用湿手触摸电器开关？", "", "因为水中含有杂质离子，能导电。湿手会大大降低皮肤电阻，一旦开关漏电，电流更容易通过人体，造成触电。所以应当先擦干手再操作。", "keep", "qa"),
    ("zh", "用一句话说明为什么人不能一直不睡觉。", "", "长期不睡觉会让大脑无法清除代谢废物、免疫力下降，严重时会出现幻觉甚至危及生命。", "keep", "qa"),
    ("en", "When exactly was Homer born?", "", "I can't give an exact date, but most scholars place the composition of the Iliad and the Odyssey in the 8th or 7th century BC, and some doubt that a single poet named Homer existed at all. Ancient sources disagree, so any birth year is a guess.", "keep", "qa"),
    ("en", "Why can't penguins fly?", "", "Penguins traded flight for swimming. Their wings evolved into stiff flippers and their bones became dense, which helps them dive but makes them far too heavy for their wing area to lift off.", "keep", "qa"),
    ("en", "Write a polite reply declining a meeting invitation.", "", "Thank you for the invitation. Unfortunately I am unable to attend on Thursday because of a prior commitment, but I would be glad to catch up next week if that suits you.", "keep", "generation"),
    # near misses of AI self-reference: about ChatGPT, the instruction names it
    ("zh", "比较ChatGPT和Claude的异同。", "", "两者都是大型语言模型驱动的对话助手。ChatGPT由OpenAI推出，Claude由Anthropic推出；它们在训练方法、上下文长度和安全策略上各有侧重，适合的场景也略有不同。", "keep", "qa"),
    ("zh", "什么是ChatGPT？", "", "ChatGPT是OpenAI在2022年底发布的聊天机器人，基于GPT系列大型语言模型，通过人类反馈强化学习进行微调，能够回答问题、写作和编程。", "keep", "qa"),
    ("zh", "写一段关于人工智能对教育影响的短评。", "", "人工智能正在改变课堂：自适应学习系统能根据学生的错误推送练习，作文批改工具能即时给出反馈。但教师的引导和人与人之间的交流仍然无法替代。", "keep", "generation"),
    ("en", "What is ChatGPT and who made it?", "", "ChatGPT is a chatbot released by OpenAI in November 2022. It is built on the GPT family of large language models and was fine-tuned with reinforcement learning from human feedback.", "keep", "qa"),
    ("en", "Write a two-sentence story about a robot learning to paint.", "", "The robot had been built to weld car doors, but at night it dipped its welding arm in leftover paint. By spring, the factory walls were covered in sunflowers.", "keep", "generation"),
    ("en", "Explain what a large language model is to a teenager.", "", "A large language model is a computer program trained on huge amounts of text to predict the next word. By doing that billions of times it learns grammar, facts and styles, which lets it answer questions and write essays.", "keep", "qa"),
    # near misses of not-a-task: terse but real tasks
    ("zh", "中国四大发明分别是什么", "", "造纸术、印刷术、火药和指南针。", "keep", "qa"),
    ("zh", "把“我爱你”翻译成法语。", "", "Je t'aime.", "keep", "translation"),
    ("zh", "请解释“刻舟求剑”这个成语。", "", "这个成语出自《吕氏春秋》，讲一个楚国人船上掉了剑，在船舷刻下记号，等船停了再从记号处下水找剑。比喻拘泥成法、不懂变通。", "keep", "qa"),
    ("en", "Name three primary colors.", "", "Red, yellow and blue (in the traditional painting model).", "keep", "qa"),
    ("en", "Convert 100 degrees Fahrenheit to Celsius.", "", "(100 - 32) × 5/9 ≈ 37.8 °C.", "keep", "reasoning"),
    ("en", "Continue the story: The door creaked open and", "", "a gust of cold air swept through the hall, carrying the smell of rain and something older, like dust from a closed attic.", "keep", "generation"),
    # near misses of toxic: moderation tasks with toxic input, words that contain a bad word
    ("zh", "判断这句话是否带有侮辱性，回答“是”或“否”。", "你这个废物，什么都干不好。", "是", "keep", "classification"),
    ("zh", "把下面这句话改写得礼貌一些。", "你他妈的能不能快点？", "麻烦您稍微快一点，可以吗？谢谢。", "keep", "paraphrase"),
    ("zh", "介绍一下垃圾分类的四个类别。", "", "我国城市一般把生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，分别投放到不同颜色的垃圾桶。", "keep", "qa"),
    ("en", "Classify the comment as toxic or not toxic.", "You are a pathetic loser and everyone hates you.", "toxic", "keep", "classification"),
    ("en", "Rewrite this message so it is polite.", "Shut up, you idiot, and fix the printer.", "Could you please take a look at the printer when you have a moment? Thanks.", "keep", "paraphrase"),
    ("en", "What is the capital of Slovenia and what is Scunthorpe known for?", "", "Ljubljana is the capital of Slovenia. Scunthorpe is an English town known for its steel industry.", "keep", "qa"),
    # near misses of personal data: numbers that look like phones, ids, cards but are not
    ("zh", "我国2020年第七次人口普查的总人口是多少？", "", "全国人口共1411778724人，与2010年相比增加了72053872人。", "keep", "qa"),
    ("zh", "计算123456789乘以9的结果。", "", "123456789 × 9 = 1111111101。", "keep", "reasoning"),
    ("zh", "写一个订单确认通知模板。", "", "尊敬的顾客，您的订单（编号20240315123456）已确认，预计3至5个工作日送达。如有问题请联系在线客服。", "keep", "generation"),
    ("zh", "这本书的ISBN号是什么格式？", "", "现在的ISBN为13位，例如978-7-5063-6543-0，由前缀、组区号、出版者号、书序号和校验码组成。", "keep", "qa"),
    ("en", "Write an example contact line for a documentation page.", "", "For questions, write to support@example.com.", "keep", "generation"),
    ("en", "What is 2 to the power of 40?", "", "2^40 = 1,099,511,627,776.", "keep", "reasoning"),
    ("en", "Give the order number format used in the sample invoice.", "", "Order numbers look like 2024-0315-7781: the year, the month and day, and a four-digit sequence.", "keep", "qa"),
    ("en", "What is the speed of light in metres per second?", "", "About 299,792,458 metres per second in a vacuum.", "keep", "qa"),
    # near misses of language mismatch: English terms in zh, Chinese terms in en, translation
    ("zh", "什么是机器学习中的过拟合？", "", "过拟合（overfitting）是指模型在训练集上表现很好，但在新数据上表现差。常见原因是模型太复杂或数据太少，可以用正则化、dropout或交叉验证来缓解。", "keep", "qa"),
    ("zh", "把这句话翻译成英文：今天下雨了。", "", "It is raining today.", "keep", "translation"),
    ("zh", "用英文写一句新年祝福。", "", "Wishing you health, happiness and success in the new year!", "keep", "generation"),
    ("en", "What does the Chinese idiom 画蛇添足 mean?", "", "画蛇添足 (huà shé tiān zú) literally means drawing legs on a snake; it describes ruining something by adding what is unnecessary.", "keep", "qa"),
    ("en", "Translate into Chinese: Good morning, everyone.", "", "大家早上好。", "keep", "translation"),
    ("en", "Explain the difference between 的, 地 and 得 in one paragraph.", "", "All three are pronounced de. 的 links a modifier to a noun (我的书), 地 turns a phrase into an adverb before a verb (慢慢地走), and 得 links a verb to a complement of degree or result (跑得快).", "keep", "qa"),
    # near misses of JSON: asks about JSON, valid JSON fenced or bare
    ("zh", "JSON和XML有什么区别？", "", "JSON更轻量，用键值对和数组表示数据，易于JavaScript解析；XML用标签表示结构，支持属性和命名空间，更冗长但表达能力更强。", "keep", "qa"),
    ("zh", "把下面的信息整理成JSON格式：姓名李四，年龄35。", "", J + "json\n{\"姓名\": \"李四\", \"年龄\": 35}\n" + J, "keep", "extraction"),
    ("zh", "以JSON格式输出两种编程语言及其发布年份。", "", "[{\"语言\": \"Python\", \"年份\": 1991}, {\"语言\": \"Java\", \"年份\": 1995}]", "keep", "generation"),
    ("en", "Return the city and country of the Eiffel Tower as JSON.", "", "Here it is:\n{\"city\": \"Paris\", \"country\": \"France\"}", "keep", "extraction"),
    ("en", "What is JSON used for?", "", "JSON is a text format for exchanging structured data, mostly between web servers and browsers, and for configuration files.", "keep", "qa"),
    ("en", "Give me a JSON array of three planets.", "", J + "json\n[\"Mercury\", \"Venus\", \"Earth\"]\n" + J, "keep", "generation"),
    # near misses of code: valid Python, REPL sessions, non-Python fences
    ("zh", "用Python写一个函数，判断字符串是否是回文。", "", J + "python\ndef is_palindrome(s: str) -> bool:\n    s = ''.join(ch.lower() for ch in s if ch.isalnum())\n    return s == s[::-1]\n" + J + "\n先去掉标点并统一大小写，再与反转后的字符串比较。", "keep", "code"),
    ("zh", "演示Python中列表推导式的用法。", "", J + "python\n>>> [x * x for x in range(5)]\n[0, 1, 4, 9, 16]\n" + J, "keep", "code"),
    ("zh", "写一条SQL语句，查询工资高于5000的员工。", "", J + "\nSELECT name FROM employees WHERE salary > 5000;\n" + J, "keep", "code"),
    ("en", "Write a Python function that returns the n-th Fibonacci number.", "", J + "python\ndef fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n" + J, "keep", "code"),
    ("en", "Show how to install requests in a notebook and fetch a page.", "", J + "python\n!pip install requests\nimport requests\nprint(requests.get('https://example.com').status_code)\n" + J, "keep", "code"),
    ("en", "Write a JavaScript function that doubles a number.", "", J + "\nconst double = (x) => x * 2;\n" + J, "keep", "code"),
    # near misses of repetition and incoherence: lists with a shared stem, terse technical prose
    ("zh", "列出五个含“春”字的成语。", "", "春暖花开、春华秋实、春风化雨、妙手回春、一年之计在于春。", "keep", "qa"),
    ("zh", "写一首四句的儿歌。", "", "小燕子，穿花衣，\n年年春天来这里。\n我问燕子你为啥来，\n燕子说这里的春天最美丽。", "keep", "generation"),
    ("en", "List the days of the week.", "", "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday.", "keep", "qa"),
    ("en", "Give a packing list for a two-day hike.", "", "Backpack, water bottles, trail mix, sandwiches, rain jacket, warm layer, map, compass, headlamp, first-aid kit, sunscreen, sleeping bag, tent, stove, matches.", "keep", "generation"),
    ("en", "Describe the Krebs cycle briefly.", "", "Acetyl-CoA joins oxaloacetate to form citrate, which is oxidized step by step back to oxaloacetate, releasing two CO2 and yielding NADH, FADH2 and GTP that feed the electron transport chain.", "keep", "qa"),
    ("zh", "简要说明TCP三次握手的过程。", "", "客户端先发送SYN报文，服务器回复SYN+ACK报文，客户端再发送ACK报文，双方确认彼此的收发能力后建立连接。", "keep", "qa"),
]
