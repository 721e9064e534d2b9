namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// Traditional and variant forms → simplified, one character each. The source is OpenCC's
/// <c>TSCharacters</c> table (2,966 BMP characters, Data/README.md), with its Taiwan and Hong Kong
/// variant tables in front of it (裏 → 裡 → 里); the hand-written pairs below only add forms OpenCC
/// leaves alone (Japanese 絶). Characters OpenCC maps to several readings map to the first one;
/// terms and text fold through the same table, so matching stays consistent either way (乾/幹 → 干).
/// A simplified character (a target of the table) is never remapped by a variant table.
/// </summary>
internal static class ChineseVariants
{
    // Supplementary pairs, written as "繁简" tokens so a typo cannot shift every later pair.
    private const string Pairs =
        // secrecy markings first: these are the ones the built-in list depends on
        "機机 絕绝 絶绝 祕秘 內内 資资 檔档 電电 報报 碼码 開开 閱阅 發发 級级 參参 閲阅 " +
        "見见 貝贝 車车 長长 門门 風风 馬马 魚鱼 鳥鸟 龍龙 這这 個个 們们 來来 時时 會会 說说 對对 過过 還还 " +
        "國国 員员 從从 關关 問问 題题 點点 現现 經经 濟济 學学 習习 實实 際际 體体 應应 該该 無无 論论 結结 " +
        "構构 設设 計计 劃划 組组 織织 領领 導导 幹干 廣广 東东 區区 縣县 鄉乡 鎮镇 園园 廠厂 場场 業业 產产 " +
        "農农 藥药 醫医 衛卫 處处 務务 稅税 財财 鐵铁 銀银 錢钱 價价 買买 賣卖 貿贸 費费 貨货 負负 責责 貴贵 " +
        "賬账 購购 贈赠 質质 軍军 隊队 戰战 鬥斗 槍枪 彈弹 艦舰 飛飞 護护 備备 測测 繪绘 圖图 書书 記记 錄录 " +
        "議议 訊讯 訪访 評评 語语 讀读 譯译 認认 識识 證证 詞词 試试 詳详 請请 謝谢 調调 談谈 課课 誤误 讓让 " +
        "講讲 變变 網网 絡络 線线 統统 紀纪 約约 紅红 綠绿 細细 終终 給给 維维 總总 續续 編编 緊紧 縮缩 類类 " +
        "顯显 頭头 順顺 預预 頁页 項项 須须 顧顾 願愿 額额 親亲 觀观 覽览 視视 覺觉 規规 術术 築筑 範范 簡简 " +
        "節节 輸输 轉转 運运 達达 遠远 連连 進进 選选 遞递 邊边 遺遗 鄰邻 鄭郑 釋释 鐘钟 鍵键 錯错 鎖锁 鏈链 " +
        "閉闭 間间 閃闪 陽阳 陰阴 陳陈 陸陆 隨随 險险 隱隐 難难 雙双 雞鸡 離离 雲云 靈灵 韓韩 響响 頂顶 飯饭 " +
        "飲饮 館馆 養养 驗验 驚惊 髮发 鬧闹 麗丽 黃黄 齊齐 齒齿 愛爱 態态 慶庆 憲宪 戲戏 戶户 擁拥 擇择 擊击 " +
        "據据 擴扩 攝摄 擬拟 敗败 敵敌 數数 斷断 歷历 歸归 殺杀 氣气 決决 沒没 況况 淚泪 湯汤 滅灭 滿满 漢汉 " +
        "潔洁 澤泽 濕湿 災灾 為为 烏乌 熱热 燈灯 營营 爭争 爾尔 牆墙 獎奖 獨独 獲获 環环 瑪玛 畫画 當当 療疗 " +
        "盡尽 監监 盤盘 確确 禮礼 禍祸 禦御 種种 稱称 穩稳 窮穷 競竞 筆笔 簽签 糧粮 純纯 紙纸 練练 羅罗 義义 " +
        "聖圣 聞闻 聯联 聲声 聽听 職职 膽胆 腦脑 臨临 與与 興兴 舊旧 艙舱 莊庄 華华 萬万 葉叶 蘇苏 蘭兰 號号 " +
        "蟲虫 補补 製制 複复 襲袭 觸触 訂订 討讨 訓训 託托 許许 訴诉 診诊 註注 詢询 誌志 誠诚 誰谁 諮咨 謀谋 " +
        "謹谨 豐丰 貓猫 賀贺 賓宾 賞赏 賢贤 賽赛 趙赵 趕赶 跡迹 蹤踪 躍跃 軟软 載载 較较 輕轻 輛辆 輩辈 辦办 " +
        "辭辞 迴回 週周 遊游 遲迟 適适 醜丑 針针 鈔钞 鋼钢 錶表 鍋锅 鏡镜 閣阁 闆板 闊阔 陣阵 階阶 隸隶 雖虽 " +
        "雜杂 靜静 韋韦 頻频 顏颜 颱台 飄飘 餘余 騎骑 騙骗 驅驱 鬱郁 魯鲁 鮮鲜 鹽盐 麥麦 黨党 齡龄 壓压 壞坏 " +
        "壯壮 壽寿 夢梦 夥伙 奪夺 奮奋 婦妇 孫孙 寧宁 寫写 審审 寶宝 將将 專专 尋寻 屬属 嶺岭 帶带 幣币 幫帮 " +
        "廢废 廳厅 彎弯 彙汇 後后 徑径 復复 徵征 憶忆 懷怀 懸悬 戀恋 勞劳 勢势 勵励 勸劝 匯汇 協协 卻却 厲厉 " +
        "叢丛 啟启 喪丧 單单 嚴严 團团 圍围 圓圆 執执 堅坚 塊块 塵尘 墊垫 優优 億亿 儀仪 傳传 傷伤 僅仅 儲储 " +
        "兒儿 兩两 冊册 凍冻 創创 劇剧 劍剑 動动 勝胜 倉仓 側侧 偵侦 傑杰 傘伞 僕仆 僞伪 偽伪 蓋盖 藝艺 衆众 " +
        "眾众 裝装 裏里 裡里 誕诞 誼谊 謊谎 貧贫 販贩 貪贪 貫贯 貼贴 賴赖 贊赞 趨趋 蹟迹 軌轨 軸轴 輔辅 輪轮 " +
        "辯辩 邏逻 鄧邓 醬酱 釀酿 鈴铃 鉛铅 銅铜 銷销 鋪铺 鋒锋 錦锦 錫锡 鍊炼 煉炼 鎊镑 鑑鉴 鑒鉴 閒闲 閘闸 " +
        "閩闽 闖闯 闡阐 陝陕 隻只 顆颗 顛颠 颳刮 飢饥 餓饿 饑饥 驟骤 鬆松 鬍胡 鴨鸭 鵝鹅 鶴鹤 麼么 黴霉 齋斋 " +
        "龜龟 擔担 擋挡 擠挤 擺摆 擾扰 攔拦 攜携 攤摊 敘叙 斃毙 於于 曆历 曉晓 暫暂 曠旷 條条 棄弃 棟栋 楊杨 " +
        "極极 榮荣 槓杠 樂乐 樓楼 標标 樞枢 樣样 樹树 橋桥 檢检 櫃柜 權权 欄栏 歐欧 歲岁 殘残 殼壳 毀毁 涼凉 " +
        "淺浅 渦涡 湧涌 準准 溝沟 滬沪 漁渔 漲涨 漸渐 潛潜 濃浓 濱滨 灣湾 爐炉 犧牺 狀状 狹狭 獄狱 獻献 璽玺 " +
        "瓊琼 畢毕 異异 疊叠 癒愈 盜盗 盧卢 礎础 禱祷 穀谷 窩窝 竊窃 籃篮 籌筹 籤签 糾纠 紋纹 納纳 紐纽 紛纷 " +
        "絲丝 綁绑 綜综 綫线 緒绪 緣缘 緩缓 縫缝 縱纵 繞绕 繩绳 繳缴 纖纤 罰罚 罷罢 聰聪 肅肃 脅胁 脈脉 脫脱 " +
        "膚肤 膠胶 艱艰 薦荐 藍蓝 蘋苹 虛虚 衝冲 覓觅 訣诀 詐诈 詩诗 誇夸 誘诱 諾诺 謂谓 謎谜 謙谦 譜谱 譽誉 " +
        "讚赞 豎竖 豬猪 賄贿 賠赔 賦赋 賺赚 贏赢 贖赎 軀躯 轄辖 轟轰 郵邮 刊刊";

    /// <summary>Writes every mapping into the identity-initialised <paramref name="table"/>.</summary>
    internal static void Apply(char[] table)
    {
        var ts = Read("TSCharacters");
        var simplified = new HashSet<char>(ts.Values);
        var variants = new Dictionary<char, char>();
        foreach (var (from, to) in Read("TWVariantsRev").Concat(Read("HKVariantsRev")))
        {
            if (!simplified.Contains(from) && !ts.ContainsKey(from))
            {
                variants.TryAdd(from, to);
            }
        }

        ForEachPair((traditional, simple) =>
        {
            if (!ts.ContainsKey(traditional) && !simplified.Contains(traditional))
            {
                table[traditional] = simple;
            }
        });

        foreach (var (from, to) in ts)
        {
            table[from] = to;
        }

        foreach (var (from, to) in variants)
        {
            table[from] = ts.TryGetValue(to, out var s) ? s : to;
        }

        // Fold once must equal fold twice (a target that is itself mapped follows the chain).
        for (var i = 0; i < table.Length; i++)
        {
            var c = table[i];
            for (var hops = 0; hops < 4 && table[c] != c; hops++)
            {
                c = table[c];
            }

            table[i] = c;
        }
    }

    /// <summary>BMP-only pairs of one OpenCC table ("source target" a line; non-BMP entries are skipped).</summary>
    private static Dictionary<char, char> Read(string name)
    {
        using var stream = typeof(ChineseVariants).Assembly.GetManifestResourceStream($"InfoPortal.Screening.{name}.txt")
            ?? throw new InvalidOperationException($"OpenCC table {name} is not embedded.");
        using var reader = new StreamReader(stream);
        var pairs = new Dictionary<char, char>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0].Length == 1 && parts[1].Length == 1)
            {
                pairs.TryAdd(parts[0][0], parts[1][0]);
            }
        }

        return pairs;
    }

    internal static int OpenCcPairCount => Read("TSCharacters").Count;

    /// <summary>Calls <paramref name="add"/> for every supplementary (traditional, simplified) pair.</summary>
    internal static void ForEachPair(Action<char, char> add)
    {
        foreach (var token in Pairs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.Length != 2)
            {
                throw new InvalidOperationException($"Bad variant token '{token}'.");
            }

            add(token[0], token[1]);
        }
    }

    internal static int PairCount => Pairs.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
